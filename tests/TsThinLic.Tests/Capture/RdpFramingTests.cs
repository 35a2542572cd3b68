using TsThinLic.Pdu;
using TsThinLic.Rdp;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>The framing decoders the capture reader shares with the connection sequence: TPKT, X.224 Data TPDU, MCS Send Data.</summary>
public sealed class RdpFramingTests
{
    [Fact]
    public void TpktHeaderReadsTheBigEndianLength()
    {
        Assert.Equal(DecodeStatus.NeedMoreData, Tpkt.TryReadFrame([0x03, 0x00, 0x01, 0x0b], out int length, out _));
        Assert.Equal(0x010b, length);
        Assert.Equal(DecodeStatus.NeedMoreData, Tpkt.TryReadFrame([0x03, 0x00], out _, out _));
        Assert.Equal(DecodeStatus.Invalid, Tpkt.TryReadFrame([0x02, 0x00, 0x00, 0x10], out _, out _));
        Assert.Equal(DecodeStatus.Invalid, Tpkt.TryReadFrame([0x03, 0x00, 0x00, 0x06], out _, out _)); // cannot hold an X.224 TPDU
        Assert.Equal(DecodeStatus.Complete, Tpkt.TryReadFrame([0x03, 0x00, 0x00, 0x07, 0x02, 0xf0, 0x80], out length, out _));
        Assert.Equal(7, length);
    }

    [Fact]
    public void X224DataTpduCarriesTheMcsPdu()
    {
        byte[] tpdu = [0x02, 0xf0, 0x80, 0x68, 0x00];
        Assert.True(X224Data.TryReadHeader(tpdu, 0, out _));
        Assert.Equal([0x68, 0x00], tpdu[X224Data.HeaderLength..]);
        Assert.False(X224Data.TryReadHeader([0x0e, 0xe0, 0x00], 0, out _)); // a Connection Request
        Assert.False(X224Data.TryReadHeader([0x02, 0xf0, 0x00], 0, out _)); // EOT clear: RDP always sets it
    }

    [Fact]
    public void McsSendDataIndicationWithTwoByteLength()
    {
        // SDin (26 << 2), initiator 1002 - 1001, channel 1003, priority/segmentation 0x70, length 0x8005 = 5.
        byte[] mcs = [0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x80, 0x05, 0x80, 0x00, 0x00, 0x00, 0xff];
        Assert.True(McsDomainPdu.TryDecode(mcs, 0, out McsDomainPdu? send, out DecodeError error), error.ToString());
        Assert.Equal(McsDomainPduType.SendDataIndication, send.Type);
        Assert.Equal(1002, send.Initiator);
        Assert.Equal(1003, send.ChannelId);
        Assert.Equal(5, send.Data.Length);
    }

    [Fact]
    public void McsSendDataRejectsALengthPastTheEnd()
    {
        byte[] mcs = [0x64, 0x00, 0x06, 0x03, 0xeb, 0x70, 0x20, 0x01];
        Assert.False(McsDomainPdu.TryDecode(mcs, 0, out _, out DecodeError error));
        Assert.Equal("userData length", error.Field);
    }
}
