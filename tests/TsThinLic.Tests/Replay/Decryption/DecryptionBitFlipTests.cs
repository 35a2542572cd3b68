using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CsCheck;
using TsThinLic.Rdp;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Property: every flipped bit in a TLS record, a key log line, a Decryption Secrets Block or an encrypted RDP PDU of
/// the committed keyed captures gives a notice or a failed verdict, never an exception. "A notice" is something said
/// about the file that the intact file does not say (a read error, an input notice, an exchange note), or a key log
/// problem. Bits whose value the protocols leave free are left out, each for its stated reason:
/// <list type="bullet">
/// <item>the record version of the client's first ClientHello record, which [RFC 8446 5.1] lets be 0x0301 to 0x0303;</item>
/// <item>in a key log, a flip that only changes the case of a hex letter (the same value), and the lines whose label
/// decryption does not use (EXPORTER_SECRET, RSA, OpenSSL's *_TRAFFIC_SECRET_N, comments);</item>
/// <item>in an RDP security header, every bit but SEC_ENCRYPT and (with RC4) SEC_SECURE_CHECKSUM: the MAC covers the
/// data only, flagsHi is junk in real servers' PDUs, the other flags are not about the encryption, and a FIPS MAC always
/// includes the count [MS-RDPBCGR 5.3.6.2], so FreeRDP sets SEC_SECURE_CHECKSUM there and the probe does not, both rightly.</item>
/// </list>
/// </summary>
public sealed class DecryptionBitFlipTests
{
    private const int Iterations = 120;

    // Every run of an RDP capture decrypts the client random with xrdp's 2048-bit key (no CRT parameters in an
    // rsakeys.ini): fewer iterations, still a fresh random sample each run.
    private const int RdpIterations = 40;

    public static TheoryData<string, string> TlsCaptures => new()
    {
        { "freerdp-xrdp-tls13.pcapng", "freerdp-xrdp-tls13.keylog" },
        { "probe-xrdp-tls12.pcapng", "probe-xrdp-tls12.keylog" },
        { "openssl-tls-suites.pcapng", "openssl-tls-suites.keylog" },
    };

    [Theory]
    [MemberData(nameof(TlsCaptures))]
    public void AFlippedBitInATlsRecordIsANoticeOrAFailure(string capture, string keyLog)
    {
        var bytes = new CaptureBytes(File.ReadAllBytes(KeyedCaptures.Path(capture)));
        DecryptionKeys keys = KeyedCaptures.Keys([keyLog]);
        Outcome baseline = Run(bytes.File, keys);
        var records = new List<((string, bool) Direction, int Start, int Length)>();
        foreach (((string connection, bool fromClient) direction, byte[] stream) in bytes.Streams)
        {
            // Walk the direction's TLS records (after the one X.224 TPKT, when there is one).
            int offset = stream[0] == 3 ? CaptureBytes.TlsStart(stream) : 0;
            while (offset + 5 <= stream.Length)
            {
                int length = 5 + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(offset + 3));
                records.Add((direction, offset, Math.Min(length, stream.Length - offset)));
                offset += length;
            }
        }

        Gen.Int[0, records.Count - 1].SelectMany(r => Gen.Int[0, records[r].Length - 1].Select(Gen.Int[0, 7], (b, bit) => (r, b, bit)))
            .Where(x => !(records[x.r].Direction.Item2 && IsFirstClientRecord(bytes, records[x.r]) && x.b is 1 or 2))
            .Sample(x =>
            {
                (var direction, int start, _) = records[x.r];
                byte[] flipped = bytes.Flipped(bytes.FileOffset(direction, start + x.b), x.bit);
                AssertNoticed(baseline, Run(flipped, keys), $"record at stream offset {start}, byte {x.b}, bit {x.bit}");
            }, iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(TlsCaptures))]
    public void AFlippedBitInAKeyLogLineIsAProblemANoticeOrAFailure(string capture, string keyLog)
    {
        byte[] file = File.ReadAllBytes(KeyedCaptures.Path(capture));
        byte[] log = File.ReadAllBytes(KeyedCaptures.Path(keyLog));
        Outcome baseline = Run(file, DecryptionKeys.Create(TlsKeyLog.Parse(log, keyLog)));
        List<int> positions = UsedKeyLogPositions(log, 0);

        Gen.Int[0, positions.Count - 1].Select(Gen.Int[0, 7]).Where((p, bit) => !OnlyTheCaseOfAHexLetter(log[positions[p]], bit)).Sample((p, bit) =>
        {
            byte[] flipped = (byte[])log.Clone();
            flipped[positions[p]] ^= (byte)(1 << bit);
            TlsKeyLog parsed = TlsKeyLog.Parse(flipped, keyLog);
            if (parsed.Problems.Count > 0)
            {
                return;
            }

            AssertNoticed(baseline, Run(file, DecryptionKeys.Create(parsed)), $"key log byte {positions[p]} ('{(char)log[positions[p]]}'), bit {bit}");
        }, iter: Iterations);
    }

    [Theory]
    [InlineData("freerdp-xrdp-tls13.dsb.pcapng")]
    [InlineData("probe-xrdp-tls12.dsb.pcapng")]
    public void AFlippedBitInTheDecryptionSecretsBlockIsANoticeOrAFailure(string capture)
    {
        byte[] file = File.ReadAllBytes(KeyedCaptures.Path(capture));
        Assert.True(CaptureFileReader.TryRead(file, out _, out IReadOnlyList<CapturedSecrets> secrets, out _));
        CapturedSecrets block = Assert.Single(secrets);
        int start = (int)block.FileOffset;
        int length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(start + 4));
        Assert.True(MemoryMarshal.TryGetArray(block.Data, out ArraySegment<byte> data));
        var used = UsedKeyLogPositions(block.Data.ToArray(), data.Offset).ToHashSet();
        var positions = Enumerable.Range(start, length).Where(p => p < data.Offset || p >= data.Offset + data.Count || used.Contains(p)).ToList();
        Outcome baseline = Run(file, DecryptionKeys.None);

        Gen.Int[0, positions.Count - 1].Select(Gen.Int[0, 7])
            .Where((p, bit) => !(used.Contains(positions[p]) && OnlyTheCaseOfAHexLetter(file[positions[p]], bit)))
            .Sample((p, bit) =>
            {
                byte[] flipped = (byte[])file.Clone();
                flipped[positions[p]] ^= (byte)(1 << bit);
                AssertNoticed(baseline, Run(flipped, DecryptionKeys.None), $"block byte {positions[p] - start}, bit {bit}");
            }, iter: Iterations);
    }

    public static TheoryData<string> RdpCaptures => new(KeyedCaptures.RdpCaptures.Select(c => c + ".pcapng"));

    [Theory]
    [MemberData(nameof(RdpCaptures))]
    public void AFlippedBitInAnEncryptedRdpPduIsANoticeOrAFailure(string capture)
    {
        var bytes = new CaptureBytes(File.ReadAllBytes(KeyedCaptures.Path(capture)));
        DecryptionKeys keys = KeyedCaptures.Keys(serverKeys: ["xrdp-rsakeys.ini"]);
        Outcome baseline = Run(bytes.File, keys);
        var targets = new List<((string, bool) Direction, int StreamOffset, int[] Bits)>();
        foreach ((var direction, byte[] stream) in bytes.Streams)
        {
            foreach ((int userData, int end) in EncryptedSlowPathPdus(stream))
            {
                targets.Add((direction, userData, [3])); // SEC_ENCRYPT
                if (!capture.Contains("fips", StringComparison.Ordinal))
                {
                    targets.Add((direction, userData + 1, [3])); // SEC_SECURE_CHECKSUM
                }

                for (int offset = userData + 4; offset < end; offset++)
                {
                    // FIPS: length, version, padlen; then dataSignature and the ciphertext.
                    targets.Add((direction, offset, [0, 1, 2, 3, 4, 5, 6, 7]));
                }
            }
        }

        Assert.NotEmpty(targets);
        Gen.Int[0, targets.Count - 1].SelectMany(t => Gen.Int[0, targets[t].Bits.Length - 1].Select(b => (t, targets[t].Bits[b]))).Sample(x =>
        {
            (var direction, int offset, _) = targets[x.t];
            byte[] flipped = bytes.Flipped(bytes.FileOffset(direction, offset), x.Item2);
            AssertNoticed(baseline, Run(flipped, keys), $"stream offset {offset}, bit {x.Item2}");
        }, iter: RdpIterations);
    }

    [Fact]
    public void ARandomBitFlipAnywhereInAKeyedCaptureNeverThrows()
    {
        DecryptionKeys keys = KeyedCaptures.All();
        string[] files = Directory.GetFiles(KeyedCaptures.Folder, "*.pcapng");
        Gen.Int[0, files.Length - 1].Select(Gen.Int[0, int.MaxValue]).Sample((f, seed) =>
        {
            byte[] file = File.ReadAllBytes(files[f]);
            var random = new Random(seed);
            file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
            ReplayReport.Run([ReplayInputLoader.Load(files[f], file, keys)]);
        }, iter: 200);
    }

    private sealed record Outcome(bool Failed, HashSet<string> Said);

    private static Outcome Run(byte[] file, DecryptionKeys keys)
    {
        ReplayInput input = ReplayInputLoader.Load("flipped.pcapng", file, keys);
        ReplayReport report = ReplayReport.Run([input]);
        var said = new HashSet<string>(StringComparer.Ordinal);
        if (input.Error is { } error)
        {
            said.Add(error);
        }

        said.UnionWith(input.Notices.SelectMany(n => n.Split("; ")));
        said.UnionWith(input.Exchanges.SelectMany(e => e.Notes));
        said.RemoveWhere(s => s.Contains("TLS: TLS 1.", StringComparison.Ordinal) || s.StartsWith("Standard RDP Security: ", StringComparison.Ordinal));
        return new Outcome(report.Results.Any(r => r.Verdict == ReplayVerdict.Fail), said);
    }

    private static void AssertNoticed(Outcome baseline, Outcome flipped, string what)
        => Assert.True(flipped.Failed || !flipped.Said.IsSubsetOf(baseline.Said), $"{what}: no notice and no failed verdict");

    private static bool IsFirstClientRecord(CaptureBytes bytes, ((string, bool) Direction, int Start, int Length) record)
        => record.Start == (bytes.Streams[record.Direction][0] == 3 ? CaptureBytes.TlsStart(bytes.Streams[record.Direction]) : 0);

    // A flip of bit 5 turns 'a'..'f' into 'A'..'F' and back: the same hex value.
    private static bool OnlyTheCaseOfAHexLetter(byte value, int bit)
        => bit == 5 && char.IsAsciiHexDigit((char)value) && char.IsAsciiLetter((char)value);

    // The byte positions of the lines whose secret decryption uses (newline included), offset by baseOffset.
    private static List<int> UsedKeyLogPositions(byte[] log, int baseOffset)
    {
        string[] used = [TlsKeyLog.ClientRandom, TlsKeyLog.ClientHandshakeTrafficSecret, TlsKeyLog.ServerHandshakeTrafficSecret, TlsKeyLog.ClientTrafficSecret0, TlsKeyLog.ServerTrafficSecret0];
        var positions = new List<int>();
        int start = 0;
        while (start < log.Length)
        {
            int end = Array.IndexOf(log, (byte)'\n', start);
            end = end < 0 ? log.Length : end + 1;
            string line = Encoding.ASCII.GetString(log, start, end - start);
            if (used.Any(label => line.StartsWith(label + " ", StringComparison.Ordinal)))
            {
                positions.AddRange(Enumerable.Range(baseOffset + start, end - start));
            }

            start = end;
        }

        return positions;
    }

    // The user data (security header on) of every slow-path PDU carrying SEC_ENCRYPT, with where it ends.
    private static IEnumerable<(int UserData, int End)> EncryptedSlowPathPdus(byte[] stream)
    {
        int offset = 0;
        while (offset + 4 <= stream.Length && stream[offset] == 3)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(offset + 2));
            if (length < 7 || offset + length > stream.Length)
            {
                yield break;
            }

            ReadOnlyMemory<byte> tpdu = stream.AsMemory(offset + 4, length - 4);
            if (tpdu.Span[1] == 0xF0 && McsDomainPdu.TryDecode(tpdu[3..], 0, out McsDomainPdu? mcs, out _)
                && mcs.Type is McsDomainPduType.SendDataRequest or McsDomainPduType.SendDataIndication
                && mcs.Data.Length >= 12 && (mcs.Data.Span[0] & 0x08) != 0
                && MemoryMarshal.TryGetArray(mcs.Data, out ArraySegment<byte> data))
            {
                yield return (data.Offset, data.Offset + data.Count);
            }

            offset += length;
        }
    }
}
