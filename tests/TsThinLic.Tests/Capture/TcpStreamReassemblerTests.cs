using System.Net;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>The TCP reassembler on sequence numbers a damaged capture can carry.</summary>
public sealed class TcpStreamReassemblerTests
{
    private static TcpSegment Segment(uint sequence, byte[] payload) => new(IPAddress.Loopback, 40000, IPAddress.Loopback, 3389, sequence, TcpSegment.Ack, payload);

    [Theory]
    [InlineData(0x80000000u)] // exactly 2^31 behind: negating the distance in 32 bits overflowed (found by the decryption bit-flip test)
    [InlineData(0x7fffffffu)]
    [InlineData(0x80000001u)]
    [InlineData(0xffffffffu)]
    public void ASegmentAsFarAwayAsTheSequenceSpaceAllowsNeverThrows(uint distance)
    {
        var reassembler = new TcpStreamReassembler();
        reassembler.Add(Segment(1000, [1, 2, 3, 4]), 0, default);

        reassembler.Add(Segment(unchecked(1004 + distance), [5, 6]), 1, default);
        reassembler.Add(Segment(unchecked(1004 - distance), [7, 8]), 2, default);
        reassembler.Finish();

        // Whatever the distance makes of the later segments (ahead, behind, overlapping), the first four bytes stand.
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, reassembler.Bytes[..4].ToArray());
    }
}
