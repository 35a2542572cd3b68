using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>Truncated, bit-flipped and garbage capture files: typed errors with an offset, never an exception.</summary>
public sealed class CaptureFileReaderTests
{
    public static TheoryData<string> Captures() => CaptureAnalyzerTests.Captures();

    [Theory]
    [MemberData(nameof(Captures))]
    public void TruncatedAnywhereNeverThrows(string name)
    {
        byte[] file = CaptureFixtures.Read(name);
        Assert.True(CaptureFileReader.TryRead(file, out IReadOnlyList<CapturedFrame> all, out _));
        for (int length = 0; length < file.Length; length += length < 128 ? 1 : 13)
        {
            byte[] cut = file[..length];
            bool read = CaptureFileReader.TryRead(cut, out IReadOnlyList<CapturedFrame> frames, out CaptureError error);
            Assert.True(frames.Count <= all.Count);
            if (!read)
            {
                Assert.InRange(error.Offset, 0, length);
                Assert.False(string.IsNullOrEmpty(error.Field));
            }

            CaptureAnalysis analysis = CaptureAnalyzer.Analyze(cut);
            Assert.True(analysis.Error is not null || read);
            _ = ReplayReport.Run([ReplayInputLoader.Load(name, cut)]);
        }
    }

    [Fact]
    public void TruncatedInsideARecordSaysWhere()
    {
        byte[] file = CaptureFixtures.Read("xrdp-rdp-none.pcapng");
        Assert.False(CaptureFileReader.TryRead(file[..(file.Length - 3)], out IReadOnlyList<CapturedFrame> frames, out CaptureError error));
        Assert.Equal(CaptureErrorKind.Truncated, error.Kind);
        Assert.True(frames.Count > 10);
        Assert.InRange(error.Offset, 1, file.Length);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void BitFlipsNeverThrow(string name)
    {
        byte[] file = CaptureFixtures.Read(name);
        var random = new Random(20261128);
        for (int round = 0; round < 400; round++)
        {
            byte[] damaged = (byte[])file.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                // Half the flips hit the first 256 bytes (headers, first blocks), the rest anywhere.
                int at = random.Next(2) == 0 ? random.Next(Math.Min(256, damaged.Length)) : random.Next(damaged.Length);
                damaged[at] ^= (byte)(1 << random.Next(8));
            }

            _ = ReplayReport.Run([ReplayInputLoader.Load(name, damaged)]);
        }
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        var random = new Random(5);
        byte[][] headers =
        [
            [0x0a, 0x0d, 0x0d, 0x0a],
            [0xd4, 0xc3, 0xb2, 0xa1],
            [0xa1, 0xb2, 0xc3, 0xd4],
            [0x4d, 0x3c, 0xb2, 0xa1],
            [],
        ];
        for (int round = 0; round < 2000; round++)
        {
            byte[] header = headers[round % headers.Length];
            byte[] garbage = new byte[header.Length + random.Next(600)];
            random.NextBytes(garbage);
            header.CopyTo(garbage, 0);
            CaptureFileReader.TryRead(garbage, out _, out _);
            _ = ReplayReport.Run([ReplayInputLoader.Load("garbage", garbage)]);
        }
    }

    [Fact]
    public void UnknownMagicIsATypedError()
    {
        Assert.False(CaptureFileReader.TryRead(new byte[] { 1, 2, 3, 4, 5 }, out _, out CaptureError error));
        Assert.Equal(CaptureErrorKind.UnknownFormat, error.Kind);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void OversizedRecordLengthIsRejectedBeforeAllocating()
    {
        byte[] file = CaptureFixtures.WritePcap([]);
        byte[] record = new byte[16];
        BitConverter.GetBytes(0x7fffffffu).CopyTo(record, 8);
        byte[] hostile = [.. file, .. record];
        Assert.False(CaptureFileReader.TryRead(hostile, out _, out CaptureError error));
        Assert.Equal(CaptureErrorKind.LengthOutOfRange, error.Kind);
        Assert.Equal(24 + 8, error.Offset);
    }
}
