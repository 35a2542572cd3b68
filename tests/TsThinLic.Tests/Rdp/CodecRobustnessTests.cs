using System.Buffers;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Rdp;

/// <summary>Hostile input: every truncation and every single-byte corruption decodes to a typed error, never an exception.</summary>
public sealed class CodecRobustnessTests
{
    private static byte[] ServerGcc()
        => new GccConferenceCreateResponse(
            new ServerCoreData(0x00080004, 3, 0),
            new ServerSecurityData(EncryptionMethods.Bits128, EncryptionLevel.ClientCompatible, new byte[32], new byte[] { 1, 2, 3 }),
            new ServerNetworkData(1003, [1004, 1005, 1006])).ToArray();

    [Fact]
    public void GccResponseRoundTripsThroughMcs()
    {
        byte[] gcc = ServerGcc();
        byte[] mcs = new McsConnectResponse(0, 0, DomainParameters.Target, gcc).ToArray();
        Assert.True(McsConnectResponse.TryDecode(mcs, 0, out McsConnectResponse? response, out _));
        Assert.Equal(gcc, response.UserData.ToArray());

        // The certificate bytes 01 02 03 are not a certificate: the decode error names the field inside it.
        Assert.False(GccConferenceCreateResponse.TryDecode(gcc, 0, out _, out DecodeError error));
        Assert.StartsWith("serverCertificate.", error.Field);
    }

    [Fact]
    public void EveryTruncationOfEachDecoderIsATypedError()
    {
        byte[] mcs = new McsConnectResponse(0, 0, DomainParameters.Target, ServerGcc()).ToArray();
        byte[] confirm = new X224ConnectionConfirm(NegotiationProtocols.Ssl).ToArray();
        byte[] join = McsDomainPdu.EncodeChannelJoinConfirm(0, 1007, 1003);
        byte[] data = McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, 1003, new byte[200]);
        for (int length = 0; length < mcs.Length; length++)
        {
            Assert.False(McsConnectResponse.TryDecode(mcs.AsSpan(0, length), 0, out _, out DecodeError error));
            Assert.False(string.IsNullOrEmpty(error.Field));
        }

        for (int length = 0; length < confirm.Length; length++)
        {
            Assert.False(X224ConnectionConfirm.TryDecode(confirm.AsSpan(0, length), out _, out _));
        }

        for (int length = 0; length < join.Length; length++)
        {
            Assert.False(McsDomainPdu.TryDecode(join.AsMemory(0, length), 0, out _, out _));
        }

        for (int length = 0; length < data.Length; length++)
        {
            Assert.False(McsDomainPdu.TryDecode(data.AsMemory(0, length), 0, out _, out _));
        }
    }

    [Fact]
    public void EverySingleByteCorruptionOfTheConnectResponseNeverThrows()
    {
        byte[] mcs = new McsConnectResponse(0, 0, DomainParameters.Target, ServerGcc()).ToArray();
        for (int i = 0; i < mcs.Length; i++)
        {
            foreach (byte value in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
            {
                byte[] copy = (byte[])mcs.Clone();
                copy[i] = value;
                if (McsConnectResponse.TryDecode(copy, 0, out McsConnectResponse? response, out _))
                {
                    GccConferenceCreateResponse.TryDecode(response.UserData, 0, out _, out _);
                }
            }
        }
    }

    [Fact]
    public void TpktFramingIsTheSameOverEverySegmentation()
    {
        byte[] packet = X224Data.Wrap(McsDomainPdu.EncodeAttachUserConfirm(0, 1007));
        byte[] twoPackets = [.. packet, .. packet];
        for (int split = 0; split <= twoPackets.Length; split++)
        {
            ReadOnlySequence<byte> buffer = Segments.Of(twoPackets[..split], twoPackets[split..]);
            Assert.Equal(DecodeStatus.Complete, Tpkt.TryReadFrame(buffer, out int length, out _));
            Assert.Equal(packet.Length, length);
        }

        for (int available = 0; available < packet.Length; available++)
        {
            Assert.Equal(DecodeStatus.NeedMoreData, Tpkt.TryReadFrame(new ReadOnlySequence<byte>(packet, 0, available), out _, out _));
        }
    }

    [Fact]
    public void TpktRejectsNonRdpAndImpossibleLengthsFromTheHeader()
    {
        Assert.Equal(DecodeStatus.Invalid, Tpkt.TryReadFrame(new ReadOnlySequence<byte>("SSH-"u8.ToArray()), out _, out DecodeError error));
        Assert.Equal("version", error.Field);
        Assert.Equal(DecodeStatus.Invalid, Tpkt.TryReadFrame(new ReadOnlySequence<byte>(new byte[] { 3, 0, 0, 4 }), out _, out error));
        Assert.Equal("length", error.Field);
        Assert.Equal(DecodeStatus.Invalid, Tpkt.TryReadFrame(new ReadOnlySequence<byte>("H"u8.ToArray()), out _, out _));
    }

    [Fact]
    public void ServerSecurityDataRejectsOversizeCertificateLength()
    {
        byte[] block = [0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x20, 0, 0, 0, 0xFF, 0xFF, 0, 0, .. new byte[40]];
        Assert.False(ServerSecurityData.TryDecode(block, 4, out _, out DecodeError error));
        Assert.Equal("serverCertLen", error.Field);
        Assert.Equal(4 + 12, error.Offset);
    }
}
