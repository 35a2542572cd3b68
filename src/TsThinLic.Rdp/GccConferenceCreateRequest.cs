namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.3] / [T124] GCC Conference Create Request, PER-encoded inside a ConnectData structure, carrying
/// the client's user data blocks (core, security, network) under the H.221 non-standard key "Duca".
/// </summary>
public sealed class GccConferenceCreateRequest
{
    /// <summary>ConnectData key: object identifier { itu-t(0) recommendation(0) t(20) t124(124) version(0) 1 }, PER: length 5 then the packed OID.</summary>
    internal static ReadOnlySpan<byte> T124ObjectIdentifier => [0x00, 0x05, 0x00, 0x14, 0x7C, 0x00, 0x01];

    /// <summary>
    /// ConferenceCreateRequest with conferenceName "1", lockedConference/listedConference/conductibleConference FALSE,
    /// terminationMethod automatic, one userData set member whose key is h221NonStandard "Duca" ([MS-RDPBCGR 4.1.3]).
    /// </summary>
    private static ReadOnlySpan<byte> ConferenceCreateRequestHeader => [0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xC0, 0x00, 0x44, 0x75, 0x63, 0x61];

    public GccConferenceCreateRequest(ClientCoreData core, ClientSecurityData security, ClientNetworkData network)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(network);
        Core = core;
        Security = security;
        Network = network;
    }

    /// <summary>CS_CORE.</summary>
    public ClientCoreData Core { get; }

    /// <summary>CS_SECURITY.</summary>
    public ClientSecurityData Security { get; }

    /// <summary>CS_NET.</summary>
    public ClientNetworkData Network { get; }

    /// <summary>The PER-encoded ConnectData (what goes into the userData OCTET STRING of MCS Connect Initial).</summary>
    public byte[] ToArray()
    {
        var blocks = new RdpWriter(512);
        Core.Write(blocks);
        Security.Write(blocks);
        Network.Write(blocks);

        var connectPdu = new RdpWriter(blocks.Length + 16);
        connectPdu.WriteBytes(ConferenceCreateRequestHeader);
        PerWriter.WriteLength(connectPdu, blocks.Length);
        connectPdu.WriteBytes(blocks.WrittenSpan);

        var writer = new RdpWriter(connectPdu.Length + 16);
        writer.WriteBytes(T124ObjectIdentifier);
        PerWriter.WriteLength(writer, connectPdu.Length);
        writer.WriteBytes(connectPdu.WrittenSpan);
        return writer.ToArray();
    }
}
