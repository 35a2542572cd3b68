using TsThinLic.Pdu;
using TsThinLic.Rdp;
using Xunit;

namespace TsThinLic.Tests.Rdp;

/// <summary>
/// Byte checks of the connection-sequence PDUs against the annotated dumps of [MS-RDPBCGR] section 4.1 (bytes
/// copied from the published specification, not written here).
/// </summary>
public sealed class SpecVectorTests
{
    // [MS-RDPBCGR 4.1.1] Client X.224 Connection Request PDU: cookie "eltons", RDP_NEG_REQ with PROTOCOL_RDP.
    private const string ConnectionRequest =
        "0300002c" /* TPKT: version 3, length 44 */ + "27e00000000000" /* X.224 CR: LI 39, CR CDT, DST-REF, SRC-REF, class 0 */
        + "436f6f6b69653a206d737473686173683d656c746f6e730d0a" /* "Cookie: mstshash=eltons" CR LF */
        + "0100080000000000" /* RDP_NEG_REQ: type 1, flags 0, length 8, requestedProtocols PROTOCOL_RDP */;

    // [MS-RDPBCGR 4.1.3] The MCS Connect Initial up to the start of the GCC data (its userData is 0x133 bytes).
    private const string ConnectInitialHead =
        "030001a002f080" /* TPKT length 416, X.224 data */ + "7f65820194" /* Connect-Initial, length 404 */
        + "040101" + "040101" + "0101ff" /* callingDomainSelector, calledDomainSelector, upwardFlag TRUE */
        + "30190201220201020201000201010201000201010202ffff020102" /* targetParameters 34,2,0,1,0,1,65535,2 */
        + "301902010102010102010102010102010002010102020420020102" /* minimumParameters 1,1,1,1,0,1,1056,2 */
        + "301c0202ffff0202fc170202ffff0201010201000201010202ffff020102" /* maximumParameters 65535,64535,65535,1,0,1,65535,2 */
        + "04820133" /* userData OCTET STRING, length 307 */;

    // [MS-RDPBCGR 4.1.3] GCC ConnectData and ConferenceCreateRequest headers in front of 0x11c bytes of client data.
    private const string GccRequestHead = "0005" + "00147c0001" /* T.124 OID */ + "812a" /* connectPDU length 298 */
        + "000800100001c00044756361" /* ConferenceCreateRequest, conferenceName "1", h221NonStandard "Duca" */ + "811c" /* 284 */;

    // [MS-RDPBCGR 4.1.3] Client Security Data: 40-, 128-, 56-bit and FIPS methods.
    private const string ClientSecurity = "02c00c00" /* CS_SECURITY, length 12 */ + "1b000000" /* encryptionMethods */ + "00000000" /* extEncryptionMethods */;

    // [MS-RDPBCGR 4.1.3] Client Core Data (216 bytes): RDP 5.0+, 1024x768, "ELTONS-DEV2", build 3790.
    private const string ClientCore =
        "01c0d800" + "04000800" + "0004" + "0003" + "01ca" + "03aa" + "09040000" + "ce0e0000"
        + "45004c0054004f004e0053002d00440045005600320000000000000000000000" /* clientName */
        + "04000000" + "00000000" + "0c000000"
        + "0000000000000000000000000000000000000000000000000000000000000000"
        + "0000000000000000000000000000000000000000000000000000000000000000" /* imeFileName */
        + "01ca" + "0100" + "00000000" + "1800" + "0700" + "0100"
        + "360039003700310032002d003700380033002d00300033003500370039003700"
        + "34002d00340032003700310034000000000000000000000000000000000000" + "00" /* clientDigProductId (64) */
        + "00" /* connectionType */ + "00" /* pad1octet */ + "00000000" /* serverSelectedProtocol */;

    [Fact]
    public void ConnectionRequestMatchesSection411()
    {
        byte[] encoded = new X224ConnectionRequest("eltons", NegotiationProtocols.Rdp).ToArray();
        Assert.Equal(ConnectionRequest, Convert.ToHexStringLower(encoded));

        Assert.True(X224ConnectionRequest.TryDecode(Convert.FromHexString(ConnectionRequest), out X224ConnectionRequest? decoded, out _));
        Assert.Equal("eltons", decoded.Cookie);
        Assert.Equal(NegotiationProtocols.Rdp, decoded.RequestedProtocols);
    }

    [Fact]
    public void ConnectInitialHeaderMatchesSection413()
    {
        byte[] userData = new byte[0x133];
        byte[] packet = new McsConnectInitial(userData).ToPacket();
        Assert.Equal(ConnectInitialHead, Convert.ToHexStringLower(packet.AsSpan(0, ConnectInitialHead.Length / 2)));
        Assert.Equal(0x1a0, packet.Length);

        Assert.True(X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _));
        Assert.True(McsConnectInitial.TryDecode(mcs, out McsConnectInitial? decoded, out _));
        Assert.Equal(DomainParameters.Maximum, decoded.MaximumParameters);
        Assert.Equal(0x133, decoded.UserData.Length);
    }

    [Fact]
    public void GccHeaderMatchesSection413ForTheSameBlockLength()
    {
        // 0x11c bytes of blocks: core (216) + security (12) + network with 2 channels (32) + 24 = 284 in the dump;
        // here core (216) + security (12) + network with 4 channels (56) = 284.
        var network = new ClientNetworkData([new("rdpdr", 0x80800000), new("cliprdr", 0xc0a00000), new("rdpsnd", 0xc0000000), new("snddbg", 0xc0000000)]);
        byte[] gcc = new GccConferenceCreateRequest(new ClientCoreData(), new ClientSecurityData(), network).ToArray();
        Assert.Equal(GccRequestHead, Convert.ToHexStringLower(gcc.AsSpan(0, GccRequestHead.Length / 2)));
        Assert.Equal(7 + 2 + 0x12a, gcc.Length);
    }

    [Fact]
    public void ClientSecurityDataMatchesSection413()
    {
        var writer = new RdpWriter();
        new ClientSecurityData().Write(writer);
        Assert.Equal(ClientSecurity, Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void ClientCoreDataOfSection413DecodesAndReEncodes()
    {
        byte[] block = Convert.FromHexString(ClientCore);
        Assert.Equal(216, block.Length);
        Assert.True(ClientCoreData.TryDecode(block.AsSpan(UserDataBlock.HeaderLength), out ClientCoreData? core, out DecodeError error), error.ToString());
        Assert.Equal(0x00080004u, core!.Version);
        Assert.Equal(1024, core.DesktopWidth);
        Assert.Equal(768, core.DesktopHeight);
        Assert.Equal(0x409u, core.KeyboardLayout);
        Assert.Equal(3790u, core.ClientBuild);
        Assert.Equal("ELTONS-DEV2", core.ClientName);
        Assert.Equal(0x18, core.HighColorDepth);
        Assert.Equal(0x07, core.SupportedColorDepths);

        // Our encoder writes the same layout; only clientDigProductId (left empty by us) differs.
        var writer = new RdpWriter();
        core.Write(writer);
        byte[] ours = writer.ToArray();
        Assert.Equal(block.Length, ours.Length);
        Assert.Equal(block.AsSpan(0, 0x88).ToArray(), ours.AsSpan(0, 0x88).ToArray());
        Assert.Equal(block.AsSpan(0xd2).ToArray(), ours.AsSpan(0xd2).ToArray());
    }

    [Fact]
    public void ErectDomainAndAttachUserRequestsMatchSections415And416()
    {
        // [MS-RDPBCGR 4.1.5]: 03 00 00 0c 02 f0 80 04 01 00 01 00 (subHeight 0, subInterval 0).
        Assert.Equal("0300000c02f08004010001 00".Replace(" ", string.Empty), Convert.ToHexStringLower(X224Data.Wrap(McsDomainPdu.EncodeErectDomainRequest())));
        // [MS-RDPBCGR 4.1.6]: 03 00 00 08 02 f0 80 28.
        Assert.Equal("0300000802f08028", Convert.ToHexStringLower(X224Data.Wrap(McsDomainPdu.EncodeAttachUserRequest())));
    }

    [Fact]
    public void AttachUserConfirmOfSection417Decodes()
    {
        // [MS-RDPBCGR 4.1.7]: 03 00 00 0b 02 f0 80 2e 00 00 06: rt-successful, initiator 6 + 1001 = 1007.
        byte[] packet = Convert.FromHexString("0300000b02f0802e000006");
        Assert.True(X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _));
        Assert.True(McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _));
        Assert.Equal(McsDomainPduType.AttachUserConfirm, pdu.Type);
        Assert.Equal(0, pdu.Result);
        Assert.Equal(1007, pdu.Initiator);
        Assert.Equal(mcs.ToArray(), McsDomainPdu.EncodeAttachUserConfirm(0, 1007));
    }

    [Fact]
    public void ChannelJoinRequestMatchesSection4182()
    {
        // [MS-RDPBCGR 4.1.8.2.1]: 03 00 00 0c 02 f0 80 38 00 06 03 eb: initiator 1007, channelId 1003.
        Assert.Equal("0300000c02f0803800060 3eb".Replace(" ", string.Empty), Convert.ToHexStringLower(X224Data.Wrap(McsDomainPdu.EncodeChannelJoinRequest(1007, 1003))));
    }

    [Fact]
    public void ChannelJoinConfirmOfSection418Decodes()
    {
        // [MS-RDPBCGR 4.1.8.1.2]: 03 00 00 0f 02 f0 80 3e 00 00 06 03 ef 03 ef: rt-successful, 1007, requested 1007, channelId 1007.
        byte[] packet = Convert.FromHexString("0300000f02f0803e00000603ef03ef");
        Assert.True(X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _));
        Assert.True(McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _));
        Assert.Equal(McsDomainPduType.ChannelJoinConfirm, pdu.Type);
        Assert.Equal(1007, pdu.Initiator);
        Assert.Equal(1007, pdu.RequestedChannelId);
        Assert.Equal(1007, pdu.ChannelId);
        Assert.Equal(mcs.ToArray(), McsDomainPdu.EncodeChannelJoinConfirm(0, 1007, 1007));
    }

    [Fact]
    public void DisconnectProviderUltimatumMatchesSection423()
    {
        // [MS-RDPBCGR 4.2.3]: 03 00 00 09 02 f0 80 21 80: reason rn-user-requested (3).
        Assert.Equal("0300000902f0802180", Convert.ToHexStringLower(X224Data.Wrap(McsDomainPdu.EncodeDisconnectProviderUltimatum())));
        Assert.True(McsDomainPdu.TryDecode(new byte[] { 0x21, 0x80 }, 0, out McsDomainPdu? pdu, out _));
        Assert.Equal(McsDomainPduType.DisconnectProviderUltimatum, pdu.Type);
        Assert.Equal(3, pdu.Reason);
    }
}
