using TsThinLic.Replay;

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
/// and per-PDU records); a transcript written from a capture parses.
/// </remarks>
public sealed class CaptureTarget : FuzzTarget
{
    private const int FixedAllowance = 256 * 1024;

    public override string Name => "capture";

    public override string Covers => "ReplayInputLoader.Load (CaptureFileReader pcap/pcapng, TcpSegment, TcpStreamReassembler, CaptureAnalyzer, CaptureExchangeBuilder), TranscriptFormat.Write";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
        => sources.Fixtures("captures", "*.pcap*", recursive: true).Select(SeedSources.FromFile);

    protected override void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        long mark = AllocationMark();
        ReplayInput loaded = ReplayInputLoader.Load("fuzz.pcapng", bytes);
        CheckAllocated(mark, (8L * input.Length) + FixedAllowance, "ReplayInputLoader.Load (capture)", input.Length);
        if (loaded.Exchanges.Count == 0)
        {
            return;
        }

        string transcript = TranscriptFormat.Write(loaded.Exchanges);
        Check(TranscriptFormat.TryParse("fuzz.transcript", transcript, out _, out string? error), $"the transcript of a capture does not parse: {error}");
    }
}
