using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

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

    /// <summary>The client's key of the userData set member: h221NonStandard "Duca".</summary>
    private static ReadOnlySpan<byte> ClientKey => "Duca"u8;

    /// <summary>How far into the ConferenceCreateRequest the key may sit (conferenceName and the optional fields before it).</summary>
    private const int MaxHeaderLength = 32;

    public GccConferenceCreateRequest(ClientCoreData core, ClientSecurityData security, ClientNetworkData network, IReadOnlyList<UserDataBlock>? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(network);
        Core = core;
        Security = security;
        Network = network;
        Blocks = blocks ?? [];
    }

    /// <summary>Every user data block as decoded (core, security, network, cluster, monitor…), in order; empty when built here.</summary>
    public IReadOnlyList<UserDataBlock> Blocks { get; }

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

    /// <summary>
    /// [MS-RDPBCGR 3.3.5.3.3] Decodes the ConnectData a client sends: the T.124 key, the ConferenceCreateRequest up to
    /// its "Duca" userData key (conferenceName and the optional fields are not used), then the client's blocks. CS_CORE
    /// is required; CS_SECURITY and CS_NET default to none when absent (an RDP 4.0 client); other blocks are kept as
    /// they came. Every length is checked against what remains.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, int baseOffset, [NotNullWhen(true)] out GccConferenceCreateRequest? request, out DecodeError error)
    {
        request = null;
        var reader = new RdpReader(data.Span, baseOffset);
        if (!reader.TryReadBytes("t124Identifier", T124ObjectIdentifier.Length, out ReadOnlySpan<byte> oid))
        {
            error = reader.Error;
            return false;
        }

        if (!oid.SequenceEqual(T124ObjectIdentifier))
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "t124Identifier", baseOffset, "not the T.124 object identifier 0.0.20.124.0.1");
            return false;
        }

        if (!reader.TryReadPerLength("connectPDU length", out _))
        {
            error = reader.Error;
            return false;
        }

        int choiceOffset = reader.Offset;
        ReadOnlySpan<byte> header = reader.Rest[..Math.Min(reader.Remaining, MaxHeaderLength)];
        if (header.IsEmpty || (header[0] & 0xFC) != 0)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "ConnectGCCPDU", choiceOffset, header.IsEmpty ? "missing" : $"choice 0x{header[0]:x2} is not conferenceCreateRequest");
            return false;
        }

        // userData: one set member whose key is h221NonStandard, a PER octet string of length 4 (length − 4 = 0).
        int key = header.IndexOf(ClientKey);
        if (key < 2 || header[key - 2] != 0xC0 || header[key - 1] != 0x00)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "h221NonStandard", choiceOffset, "no userData keyed h221NonStandard \"Duca\"");
            return false;
        }

        reader.TrySkip("ConferenceCreateRequest", key + ClientKey.Length);
        if (!reader.TryReadPerLength("userData length", out int length))
        {
            error = reader.Error;
            return false;
        }

        int blocksOffset = reader.Position;
        if (!UserDataBlock.TryDecodeAll(data.Slice(blocksOffset, length), baseOffset + blocksOffset, out IReadOnlyList<UserDataBlock>? blocks, out error))
        {
            return false;
        }

        ClientCoreData? core = null;
        ClientSecurityData? security = null;
        ClientNetworkData? network = null;
        int offset = baseOffset + blocksOffset;
        foreach (UserDataBlock block in blocks)
        {
            int dataOffset = offset + UserDataBlock.HeaderLength;
            bool ok = block.Type switch
            {
                UserDataBlock.ClientCore => ClientCoreData.TryDecode(block.Data.Span, out core, out error),
                UserDataBlock.ClientSecurity => ClientSecurityData.TryDecode(block.Data.Span, dataOffset, out security, out error),
                UserDataBlock.ClientNetwork => ClientNetworkData.TryDecode(block.Data.Span, dataOffset, out network, out error),
                _ => true,
            };
            if (!ok)
            {
                if (block.Type == UserDataBlock.ClientCore)
                {
                    error = error with { Offset = error.Offset - UserDataBlock.HeaderLength + dataOffset };
                }

                return false;
            }

            offset += block.Data.Length + UserDataBlock.HeaderLength;
        }

        if (core is null)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "CS_CORE", baseOffset + blocksOffset, "the client's user data has no CS_CORE block");
            return false;
        }

        request = new GccConferenceCreateRequest(core, security ?? new ClientSecurityData { EncryptionMethods = EncryptionMethods.None }, network ?? new ClientNetworkData(), blocks);
        error = default;
        return true;
    }
}
