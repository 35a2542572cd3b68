using TsThinLic.Replay;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// A capture file (<c>replay</c>, <c>capture-to-transcript</c>): pcap or pcapng records, Ethernet / Linux cooked /
/// raw IP, IPv4 and IPv6, TCP reassembly of both directions of every connection, TPKT / X.224 / MCS unwrapping and the
/// licensing PDUs found (<see cref="ReplayInputLoader.Load(string, ReadOnlyMemory{byte})"/> →
/// <see cref="Replay.Capture.CaptureAnalyzer"/>, <see cref="CaptureExchangeBuilder"/>), then each exchange written as a
/// transcript, as <c>capture-to-transcript</c> does.
/// </summary>
/// <remarks>
/// Invariants: nothing throws ("never throws on file data"); the analysis allocates at most eight times the file plus
/// 256 KiB (frames are slices of the file; each stream is copied once as it is reassembled, plus the per-connection
/// and per-PDU records); a transcript written from a capture parses. A capture holding a pcapng Decryption Secrets
/// Block is decrypted as it is read, and may allocate at most 32 times the file plus 512 KiB: each TLS record is also
/// held as ciphertext, as plaintext and in the decrypted RDP stream, the handshake goes into the Finished transcript,
/// and each decrypted connection has its key schedule and cipher state (the keyed corpus measures 13 to 18 times).
/// </remarks>
public sealed class CaptureTarget : FuzzTarget
{
    private const int FixedAllowance = 256 * 1024;

    private const int DecryptionAllowance = 512 * 1024;

    public override string Name => "capture";

    public override string Covers => "ReplayInputLoader.Load (CaptureFileReader pcap/pcapng, TcpSegment, TcpStreamReassembler, CaptureAnalyzer, CaptureExchangeBuilder), TranscriptFormat.Write";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
        => sources.Fixtures("captures", "*.pcap*", recursive: true).Select(SeedSources.FromFile);

    protected override void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        // A capture damaged or cut after its Decryption Secrets Block still decrypts with the secrets read before the
        // damage (the loader keeps what precedes it), so the budget follows the blocks read, not whether the file parsed
        // whole (found by the offline run: a cut .dsb.pcapng measured against the budget of a capture without secrets).
        CaptureFileReader.TryRead(bytes, out _, out IReadOnlyList<CapturedSecrets> blocks, out _);
        bool secrets = blocks.Count > 0;
        long mark = AllocationMark();
        ReplayInput loaded = ReplayInputLoader.Load("fuzz.pcapng", bytes);
        long budget = secrets ? (32L * input.Length) + DecryptionAllowance : (8L * input.Length) + FixedAllowance;
        CheckAllocated(mark, budget, secrets ? "ReplayInputLoader.Load (capture with TLS secrets)" : "ReplayInputLoader.Load (capture)", input.Length);
        if (loaded.Exchanges.Count == 0)
        {
            return;
        }

        string transcript = TranscriptFormat.Write(loaded.Exchanges);
        Check(TranscriptFormat.TryParse("fuzz.transcript", transcript, out _, out string? error), $"the transcript of a capture does not parse: {error}");
    }
}
