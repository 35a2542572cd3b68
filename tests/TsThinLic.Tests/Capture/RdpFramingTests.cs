using TsThinLic.Capture;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>The small framing decoders: TPKT, X.224 Data TPDU, MCS Send Data.</summary>
public sealed class RdpFramingTests
{
    [Fact]
    public void TpktHeaderReadsTheBigEndianLength()
    {
        Assert.Equal(TpktStatus.Complete, TpktHeader.TryRead([0x03, 0x00, 0x01, 0x0b], out TpktHeader header));
        Assert.Equal(0x010b, header.Length);
        Assert.Equal(TpktStatus.NeedMoreData, TpktHeader.TryRead([0x03, 0x00], out _));
        Assert.Equal(TpktStatus.Invalid, TpktHeader.TryRead([0x02, 0x00, 0x00, 0x10], out _));
        Assert.Equal(TpktStatus.Invalid, TpktHeader.TryRead([0x03, 0x00, 0x00, 0x06], out _)); // cannot hold an X.224 TPDU
    }

    [Fact]
    public void X224DataTpduCarriesTheMcsPdu()
    {
        Assert.True(X224DataTpdu.TryDecode(new byte[] { 0x02, 0xf0, 0x80, 0x68, 0x00 }, out X224DataTpdu data));
        Assert.True(data.EndOfTransmission);
        Assert.Equal([0x68, 0x00], data.UserData.ToArray());
        Assert.False(X224DataTpdu.TryDecode(new byte[] { 0x0e, 0xe0, 0x00 }, out _)); // a Connection Request
    }

    [Fact]
    public void McsSendDataIndicationWithTwoByteLength()
    {
        // SDin (26 << 2), initiator 1002 - 1001, channel 1003, priority/segmentation 0x70, length 0x8005 = 5.
        byte[] mcs = [0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x80, 0x05, 0x80, 0x00, 0x00, 0x00, 0xff];
        Assert.True(McsSendData.TryDecode(mcs, out McsSendData send, out string? problem), problem);
        Assert.True(send.IsIndication);
        Assert.Equal(1002, send.Initiator);
        Assert.Equal(1003, send.ChannelId);
        Assert.Equal(5, send.UserData.Length);
    }

    [Fact]
    public void McsSendDataRejectsALengthPastTheEnd()
    {
        byte[] mcs = [0x64, 0x00, 0x06, 0x03, 0xeb, 0x70, 0x20, 0x01];
        Assert.False(McsSendData.TryDecode(mcs, out _, out string? problem));
        Assert.Contains("userData length", problem, StringComparison.Ordinal);
    }
}
