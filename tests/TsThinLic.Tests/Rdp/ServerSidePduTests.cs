using TsThinLic.Emulator;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Security;
using TsThinLic.Tests.Capture;
using TsThinLic.Tests.Serving;
using Xunit;

namespace TsThinLic.Tests.Rdp;

/// <summary>
/// The server's half of the connection sequence against bytes no one here wrote: FreeRDP 2.11's and rdesktop 1.9's
/// client PDUs from the captures against serve (fixtures/captures/serve), and xrdp 0.9.21's server PDUs from the xrdp
/// captures. The Standard RDP Security checks decrypt the real clients' Security Exchange with serve's fixed key and
/// open their encrypted Client Info with the server-side keys, MAC included.
/// </summary>
public sealed class ServerSidePduTests
{
    [Fact]
    public void FreeRdpConnectionRequestWithoutNegotiationDecodes()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-none-freerdp-new");

        Assert.True(X224ConnectionRequest.TryDecode(capture.FromClient[0], out X224ConnectionRequest? request, out DecodeError error), error.ToString());
        Assert.Equal("qauser", request.Cookie);
        Assert.Null(request.RequestedProtocols); // xfreerdp /sec:rdp sends no RDP_NEG_REQ
    }

    [Fact]
    public void RdesktopAsksForTlsAndCredSspAndGetsStandardSecurity()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-128-rdesktop");

        Assert.True(X224ConnectionRequest.TryDecode(capture.FromClient[0], out X224ConnectionRequest? request, out DecodeError error), error.ToString());
        Assert.Equal(NegotiationProtocols.Ssl | NegotiationProtocols.Hybrid, request.RequestedProtocols);
        Assert.True(X224ConnectionConfirm.TryDecode(capture.FromServer[0], out X224ConnectionConfirm? confirm, out error), error.ToString());
        Assert.Equal(NegotiationProtocols.Rdp, confirm.SelectedProtocol);
    }

    [Theory]
    [InlineData("serve-rdp-none-freerdp-new", "qaclient", 18363u)]
    [InlineData("serve-rdp-128-rdesktop", "qaclient", 2600u)]
    public void ClientConnectInitialDecodes(string name, string clientName, uint build)
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load(name);

        Assert.True(X224Data.TryUnwrap(capture.FromClient[1], out ReadOnlySpan<byte> mcs, out DecodeError error), error.ToString());
        Assert.True(McsConnectInitial.TryDecode(mcs, out McsConnectInitial? initial, out error), error.ToString());
        Assert.True(GccConferenceCreateRequest.TryDecode(initial.UserData, 0, out GccConferenceCreateRequest? gcc, out error), error.ToString());
        Assert.Equal(clientName, gcc.Core.ClientName);
        Assert.Equal(build, gcc.Core.ClientBuild);
        Assert.True(gcc.Security.EncryptionMethods.HasFlag(EncryptionMethods.Bits128), gcc.Security.EncryptionMethods.ToString());
        Assert.Contains(gcc.Blocks, b => b.Type == UserDataBlock.ClientCore);
    }

    [Fact]
    public void RdesktopsErectDomainRequestOfTwoBareWordsDecodes()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-128-rdesktop");
        byte[] erect = capture.FromClient.First(f => f.Length > 7 && f[7] >> 2 == (int)McsDomainPduType.ErectDomainRequest);

        Assert.Equal("0400010001", Convert.ToHexStringLower(erect.AsSpan(7)));
        Assert.True(McsDomainPdu.TryDecode(erect.AsMemory(7), 7, out McsDomainPdu? pdu, out DecodeError error), error.ToString());
        Assert.Equal(McsDomainPduType.ErectDomainRequest, pdu.Type);
    }

    [Fact]
    public void FreeRdpClientInfoInTheClearDecodes()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-none-freerdp-new");
        byte[] info = IoData(capture.FromClient).First(d => (d[0] & (byte)SecurityFlags.InfoPkt) != 0);

        Assert.True(ClientInfoPacket.TryDecode(info.AsSpan(SecurityHeader.Length), out ClientInfoPacket? packet, out DecodeError error), error.ToString());
        Assert.Equal("qauser", packet.UserName);
        Assert.True((packet.Flags & ClientInfoPacket.InfoUnicode) != 0);
    }

    [Theory]
    [InlineData("serve-rdp-128-freerdp", true)]
    [InlineData("serve-rdp-128-rdesktop", false)]
    public void RealClientsSecurityExchangeAndEncryptedClientInfoOpenWithTheServerKeys(string name, bool salted)
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load(name);
        byte[] serverRandom = ServerRandom(capture);
        byte[][] io = IoData(capture.FromClient).ToArray();

        // [MS-RDPBCGR 5.3.4.1]: the client random, raw RSA under serve's 512-bit key, little-endian + 8 zero bytes.
        Assert.True(SecurityExchangePdu.TryDecode(io[0], out SecurityExchangePdu? exchange, out DecodeError error), error.ToString());
        RsaPrivateKey key = EmulatorKeys.Rsa512;
        Assert.Equal(key.ModulusLength + 8, exchange.EncryptedClientRandom.Length);
        byte[] plain = new byte[key.ModulusLength];
        Assert.True(key.TryDecryptRaw(exchange.EncryptedClientRandom.Span[..key.ModulusLength], plain));
        Assert.All(plain[32..], b => Assert.Equal(0, b));

        StandardSecurityCipher cipher = StandardSecurityCipher.CreateRc4ForServer(RdpSessionKeys.Derive(128, plain.AsSpan(0, 32), serverRandom));
        Assert.True(SecurityHeaderCodec.TryOpen(cipher, io[1], out SecurityFlags flags, out byte[] payload), "the Client Info's MAC does not verify");
        Assert.True(flags.HasFlag(SecurityFlags.InfoPkt | SecurityFlags.Encrypt));
        Assert.Equal(salted, flags.HasFlag(SecurityFlags.SecureChecksum));
        Assert.True(ClientInfoPacket.TryDecode(payload.AsSpan(SecurityHeader.Length), out ClientInfoPacket? info, out error), error.ToString());
        Assert.Equal("qauser", info.UserName);
    }

    [Fact]
    public void FreeRdpsConfirmActiveEchoesTheShareIdOfOurDemandActive()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-none-freerdp-new");
        byte[] demand = IoData(capture.FromServer).First(d => d.Length > 4 && (d[2] & 0x0F) == (int)SharePduType.DemandActive);
        byte[] confirm = IoData(capture.FromClient).First(d => d.Length > 4 && (d[2] & 0x0F) == (int)SharePduType.ConfirmActive);

        Assert.True(DemandActivePdu.TryDecode(demand, out DemandActivePdu? ours, out DecodeError error), error.ToString());
        Assert.True(ConfirmActivePdu.TryDecode(confirm, out ConfirmActivePdu? answer, out error), error.ToString());
        Assert.Equal(ours.ShareId, answer.ShareId);
        Assert.Equal(1002, answer.Originator);
        Assert.Contains(answer.Capabilities, c => c.Type == CapabilitySet.General);
        Assert.True(answer.Capabilities.Count >= 10, $"{answer.Capabilities.Count} capability sets");
    }

    [Fact]
    public void XrdpsDemandActiveAndFinalizationDecodeLikeOurs()
    {
        // xrdp 0.9.21's own Demand Active, Synchronize, Control and Font Map (fixtures/captures/xrdp-rdp-none.pcapng).
        byte[][] server = XrdpServerIoData().ToArray();
        byte[] demand = server.First(d => d.Length > 4 && (d[2] & 0x0F) == (int)SharePduType.DemandActive);
        Assert.True(DemandActivePdu.TryDecode(demand, out DemandActivePdu? xrdp, out DecodeError error), error.ToString());
        Assert.Equal("RDP", xrdp.SourceDescriptor);
        Assert.Equal(0x000103EAu, xrdp.ShareId);
        Assert.Equal(13, xrdp.Capabilities.Count);

        var ours = new DemandActivePdu(1002, 0x000103EA, "RDP", DemandActivePdu.ServerCapabilities(1002, 1024, 768), 0);
        Assert.True(DemandActivePdu.TryDecode(ours.ToArray(), out DemandActivePdu? decoded, out error), error.ToString());
        Assert.Equal(ours.Capabilities.Select(c => c.Type), decoded.Capabilities.Select(c => c.Type));
        ushort[] common = decoded.Capabilities.Select(c => c.Type).Intersect(xrdp.Capabilities.Select(c => c.Type)).ToArray();
        Assert.True(common.Length >= 6, $"types in common: {string.Join(", ", common)}");
        foreach (ushort type in common)
        {
            // Each set is as long as xrdp's of the same type (the spec's fixed lengths), except that Pointer may carry
            // pointerCacheSize or not and xrdp sends the Font set empty where the spec's TS_FONT_CAPABILITYSET has 4 bytes.
            int theirs = xrdp.Capabilities.First(c => c.Type == type).Data.Length;
            int mine = decoded.Capabilities.First(c => c.Type == type).Data.Length;
            bool allowed = theirs == mine || (type == CapabilitySet.Pointer && Math.Abs(theirs - mine) == 2) || (type == CapabilitySet.Font && theirs == 0 && mine == 4);
            Assert.True(allowed, $"capability set {type}: xrdp {theirs} bytes, ours {mine}");
        }

        ShareDataPdu[] xrdpData = server.Where(d => d.Length > 4 && (d[2] & 0x0F) == (int)SharePduType.Data)
            .Select(d => Assert.IsType<ShareDataPdu>(ShareDataPdu.TryDecode(d, out ShareDataPdu? pdu, out _) ? pdu : null)).ToArray();
        ShareDataPdu[] ourData = ConnectionFinalization.ServerPdus(1002, 1007, 0x000103EA)
            .Select(d => Assert.IsType<ShareDataPdu>(ShareDataPdu.TryDecode(d, out ShareDataPdu? pdu, out _) ? pdu : null)).ToArray();
        Assert.Equal(xrdpData.Take(4).Select(p => p.PduType2), ourData.Select(p => p.PduType2));
        Assert.Equal(xrdpData.Take(4).Select(p => p.Data.Length), ourData.Select(p => p.Data.Length));
        // Control: Cooperate (4) then Granted Control (2), as xrdp sends them.
        Assert.Equal(xrdpData[1].Data.Span[..2].ToArray(), ourData[1].Data.Span[..2].ToArray());
        Assert.Equal(xrdpData[2].Data.Span[..2].ToArray(), ourData[2].Data.Span[..2].ToArray());
    }

    [Fact]
    public void OurConnectResponseLaysOutTheBlocksAsXrdpDoes()
    {
        // xrdp writes SC_CORE, SC_NET, SC_SECURITY and a one-byte connectPDU length: rdesktop reads both by fixed offsets.
        byte[] xrdp = CaptureFixtures.Segments(CaptureFixtures.Read("xrdp-rdp-none.pcapng"))
            .Select(s => s.Segment.Payload.ToArray()).First(p => p.Length > 9 && p[7] == 0x7F && p[8] == 0x66);
        byte[] ours = ServeCaptureStreams.Load("serve-rdp-128-rdesktop").FromServer[1];
        foreach (byte[] packet in new[] { xrdp, ours })
        {
            Assert.True(X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _));
            Assert.True(McsConnectResponse.TryDecode(mcs, 7, out McsConnectResponse? response, out DecodeError error), error.ToString());
            Assert.True(GccConferenceCreateResponse.TryDecode(response.UserData, 0, out GccConferenceCreateResponse? gcc, out error), error.ToString());
            Assert.Equal([UserDataBlock.ServerCore, UserDataBlock.ServerNetwork, UserDataBlock.ServerSecurity], gcc.Blocks.Select(b => b.Type));
            Assert.True(response.UserData.Span[7] < 0x80, "connectPDU length in one byte");
        }
    }

    [Fact]
    public void FastPathFramesAreMeasuredFromTheirHeader()
    {
        Assert.Equal(DecodeStatus.Complete, FastPathFrame.TryReadFrame([0x00, 0x03, 0xAA], out int length, out _));
        Assert.Equal(3, length);
        Assert.Equal(DecodeStatus.NeedMoreData, FastPathFrame.TryReadFrame([0x44, 0x81, 0x00], out length, out _));
        Assert.Equal(0x100, length);
        Assert.Equal(DecodeStatus.Invalid, FastPathFrame.TryReadFrame([0x00, 0x01], out _, out DecodeError error));
        Assert.Equal("length", error.Field);
        Assert.Equal(DecodeStatus.Invalid, FastPathFrame.TryReadFrame([0x03, 0x00, 0x00, 0x10], out _, out _));
    }

    [Fact]
    public void SetErrorInfoRoundTripsThroughTheShareDataPdu()
    {
        byte[] encoded = SetErrorInfoPdu.Encode(0x000103EA, 0x102, 1002);

        Assert.Equal(SetErrorInfoPdu.Length, encoded.Length);
        // totalLength 22, PDUTYPE_DATAPDU | TS_PROTOCOL_VERSION, pduSource 1002, shareId, pad1, STREAM_LOW, uncompressedLength 4,
        // PDUTYPE2_SET_ERROR_INFO_PDU, compressedType 0, compressedLength 0, errorInfo ERRINFO_LICENSE_NO_LICENSE.
        Assert.Equal("1600" + "1700" + "ea03" + "ea030100" + "00" + "01" + "0400" + "2f" + "00" + "0000" + "02010000", Convert.ToHexStringLower(encoded));
        Assert.True(SetErrorInfoPdu.TryDecode(encoded, out uint decoded, out DecodeError error), error.ToString());
        Assert.Equal(0x102u, decoded);
        Assert.Equal("ERRINFO_LICENSE_NO_LICENSE", RdpSpecNames.ErrorInfo(decoded));
        Assert.True(RdpSpecNames.TryParseErrorInfo("errinfo_license_no_license", out uint code) && code == 0x102);
        Assert.True(RdpSpecNames.TryParseErrorInfo("0x10A", out code) && code == 0x10A);
    }

    private static byte[] ServerRandom(ServeCaptureStreams capture)
    {
        Assert.True(X224Data.TryUnwrap(capture.FromServer[1], out ReadOnlySpan<byte> mcs, out _));
        Assert.True(McsConnectResponse.TryDecode(mcs, 7, out McsConnectResponse? response, out _));
        Assert.True(GccConferenceCreateResponse.TryDecode(response.UserData, 0, out GccConferenceCreateResponse? gcc, out DecodeError error), error.ToString());
        return gcc.Security.ServerRandom.ToArray();
    }

    /// <summary>The userData of every Send Data Request/Indication on the I/O channel, in order.</summary>
    private static IEnumerable<byte[]> IoData(IEnumerable<byte[]> frames)
    {
        foreach (byte[] frame in frames)
        {
            if (frame[0] == Tpkt.Version && X224Data.TryUnwrap(frame, out ReadOnlySpan<byte> mcs, out _)
                && McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _)
                && pdu.Type is McsDomainPduType.SendDataRequest or McsDomainPduType.SendDataIndication && pdu.ChannelId == 1003)
            {
                yield return pdu.Data.ToArray();
            }
        }
    }

    private static IEnumerable<byte[]> XrdpServerIoData()
    {
        var segments = CaptureFixtures.Segments(CaptureFixtures.Read("xrdp-rdp-none.pcapng"));
        int serverPort = segments.First(s => s.Segment.IsSyn).Segment.DestinationPort;
        var stream = new TsThinLic.Replay.Capture.TcpStreamReassembler();
        int index = 0;
        foreach (var (segment, timestamp) in segments.Where(s => s.Segment.SourcePort == serverPort))
        {
            stream.Add(segment, index++, timestamp);
        }

        stream.Finish();
        byte[] bytes = stream.Bytes.ToArray();
        var frames = new List<byte[]>();
        for (int offset = 0; offset < bytes.Length;)
        {
            ReadOnlySpan<byte> rest = bytes.AsSpan(offset);
            if (rest[0] != Tpkt.Version || Tpkt.TryReadFrame(rest, out int length, out _) != DecodeStatus.Complete)
            {
                break; // fast-path output after activation
            }

            frames.Add(rest[..length].ToArray());
            offset += length;
        }

        return IoData(frames);
    }
}
