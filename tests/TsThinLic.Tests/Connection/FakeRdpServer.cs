using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Emulator;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// A scripted, sans-I/O RDP server for the connection sequence tests: answers each client packet with the PDUs a
/// server sends (Standard RDP Security with ENCRYPTION_METHOD_NONE, or TLS with the TLS step left to the test), and
/// plays licensing with <see cref="EmulatedLicenseServer"/>.
/// </summary>
internal sealed class FakeRdpServer
{
    public const ushort UserId = 1007;
    public const ushort IoChannel = 1003;

    public FakeRdpServer(EmulatedServerScript? script = null, EmulatedLicenseServerOptions? options = null)
    {
        License = new EmulatedLicenseServer(new SequenceRandomSource(0x40), script, options);
    }

    public EmulatedLicenseServer License { get; }

    public NegotiationProtocols? Selected { get; init; } = NegotiationProtocols.Rdp;

    public NegotiationFailureCode? NegotiationFailure { get; init; }

    /// <summary>Send non-licensing Send Data Indications (another channel, a non-licensing security header) before each licensing PDU.</summary>
    public bool Interleave { get; init; }

    /// <summary>Answer the Client Info PDU with Disconnect Provider Ultimatum instead of licensing.</summary>
    public bool DisconnectAfterClientInfo { get; init; }

    /// <summary>Answer the Client Info PDU with a Set Error Info PDU carrying this errorInfo, then Disconnect Provider Ultimatum.</summary>
    public uint? ErrorInfoAfterClientInfo { get; init; }

    public uint ServerVersion { get; init; } = 0x00080004;

    /// <summary>What the server sends once licensing is over (its verdict).</summary>
    public FakeVerdict AfterLicensing { get; init; } = FakeVerdict.DemandActive;

    /// <summary>errorInfo of the Set Error Info PDU (<see cref="FakeVerdict.SetErrorInfo"/>).</summary>
    public uint ErrorInfo { get; init; }

    /// <summary>Announce RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED.</summary>
    public bool SkipChannelJoin { get; init; }

    /// <summary>The minimal Demand Active PDU of the fake server: shareId, a 4-byte source descriptor, no capability sets.</summary>
    public static byte[] DemandActive()
    {
        byte[] pdu = new byte[ShareControlHeader.Length + 4 + 2 + 2 + 4 + 2 + 2 + 4];
        ShareControlHeader.Write(pdu, (ushort)pdu.Length, ShareControlHeader.TypeDemandActive, 1002);
        BinaryPrimitives.WriteUInt32LittleEndian(pdu.AsSpan(6), 0x000103EA); // shareId
        BinaryPrimitives.WriteUInt16LittleEndian(pdu.AsSpan(10), 4); // lengthSourceDescriptor
        BinaryPrimitives.WriteUInt16LittleEndian(pdu.AsSpan(12), 4); // lengthCombinedCapabilities
        "RDP\0"u8.CopyTo(pdu.AsSpan(14)); // sourceDescriptor
        return pdu; // numberCapabilities 0, pad2Octets, sessionId 0
    }

    private void AddVerdict(List<byte[]> replies)
    {
        switch (AfterLicensing)
        {
            case FakeVerdict.DemandActive:
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, IoChannel, DemandActive())));
                break;
            case FakeVerdict.SetErrorInfo:
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, IoChannel, SetErrorInfoPdu.Encode(0x000103EA, ErrorInfo))));
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeDisconnectProviderUltimatum(1)));
                break;
            case FakeVerdict.Disconnect:
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeDisconnectProviderUltimatum(1)));
                break;
        }
    }

    public List<string> ClientPdus { get; } = [];

    public List<byte[]> Handle(ReadOnlySpan<byte> packet)
    {
        var replies = new List<byte[]>();
        if (packet.Length > 5 && packet[5] == X224ConnectionRequest.ConnectionRequestCode)
        {
            ClientPdus.Add("X224ConnectionRequest");
            replies.Add(NegotiationFailure is { } failure ? new X224ConnectionConfirm(null, 0, failure).ToArray() : new X224ConnectionConfirm(Selected).ToArray());
            return replies;
        }

        if (!X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _))
        {
            throw new InvalidOperationException("The client sent a packet that is not X.224 data.");
        }

        if (mcs[0] == 0x7F && mcs[1] == 0x65)
        {
            ClientPdus.Add("McsConnectInitial");
            var gcc = new GccConferenceCreateResponse(
                new ServerCoreData(ServerVersion, 0, SkipChannelJoin ? RdpConnectionSequence.ServerSkipChannelJoinSupported : 0),
                new ServerSecurityData(EncryptionMethods.None, EncryptionLevel.None),
                new ServerNetworkData(IoChannel, []));
            replies.Add(X224Data.Wrap(new McsConnectResponse(0, 0, DomainParameters.Target, gcc.ToArray()).ToArray()));
            return replies;
        }

        Assert.True(McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _));
        ClientPdus.Add(pdu.Type.ToString());
        switch (pdu.Type)
        {
            case McsDomainPduType.AttachUserRequest:
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeAttachUserConfirm(0, UserId)));
                break;
            case McsDomainPduType.ChannelJoinRequest:
                replies.Add(X224Data.Wrap(McsDomainPdu.EncodeChannelJoinConfirm(0, UserId, pdu.ChannelId)));
                break;
            case McsDomainPduType.SendDataRequest:
                var flags = (SecurityFlags)BinaryPrimitives.ReadUInt16LittleEndian(pdu.Data.Span);
                var output = new ArrayBufferWriter<byte>();
                if ((flags & SecurityFlags.InfoPkt) != 0)
                {
                    ClientPdus[^1] = "ClientInfo";
                    if (ErrorInfoAfterClientInfo is { } errorInfo)
                    {
                        replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, IoChannel, SetErrorInfoPdu.Encode(0x000103EA, errorInfo))));
                        replies.Add(X224Data.Wrap(McsDomainPdu.EncodeDisconnectProviderUltimatum(1)));
                        break;
                    }

                    if (DisconnectAfterClientInfo)
                    {
                        replies.Add(X224Data.Wrap(McsDomainPdu.EncodeDisconnectProviderUltimatum()));
                        break;
                    }

                    License.Start(output);
                }
                else if ((flags & SecurityFlags.LicensePkt) != 0)
                {
                    ClientPdus[^1] = "Licensing";
                    License.Receive(pdu.Data.Span, output);
                }

                if (output.WrittenCount > 0)
                {
                    if (Interleave)
                    {
                        // A PDU on another channel, and one on the I/O channel whose header is not SEC_LICENSE_PKT.
                        replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, 1004, [0x00, 0x00, 0x00, 0x00, 0x01])));
                        replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, IoChannel, [0x00, 0x00, 0x00, 0x00, 0x02, 0x00])));
                    }

                    replies.Add(X224Data.Wrap(McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, 1002, IoChannel, output.WrittenSpan)));
                    if (License.IsFinished)
                    {
                        AddVerdict(replies);
                    }
                }

                break;
        }

        return replies;
    }
}

/// <summary>What <see cref="FakeRdpServer"/> does after licensing.</summary>
internal enum FakeVerdict
{
    DemandActive,
    SetErrorInfo,
    Disconnect,
    Silent,
}
