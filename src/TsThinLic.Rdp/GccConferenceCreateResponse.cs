using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4] / [T124] GCC Conference Create Response, PER-encoded inside a ConnectData structure,
/// carrying the server's user data blocks (core, security, network) under the H.221 non-standard key "McDn".
/// </summary>
public sealed class GccConferenceCreateResponse
{
    private static ReadOnlySpan<byte> ServerKey => "McDn"u8;

    public GccConferenceCreateResponse(ServerCoreData core, ServerSecurityData security, ServerNetworkData network, ushort nodeId = 0x79F3, IReadOnlyList<UserDataBlock>? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(network);
        Core = core;
        Security = security;
        Network = network;
        NodeId = nodeId;
        Blocks = blocks ?? [];
    }

    /// <summary>SC_CORE.</summary>
    public ServerCoreData Core { get; }

    /// <summary>SC_SECURITY.</summary>
    public ServerSecurityData Security { get; }

    /// <summary>SC_NET.</summary>
    public ServerNetworkData Network { get; }

    /// <summary>nodeID (UserID, 1001 + the PER value).</summary>
    public ushort NodeId { get; }

    /// <summary>Every user data block as received (including ones this client does not model, such as SC_MCS_MSGCHANNEL).</summary>
    public IReadOnlyList<UserDataBlock> Blocks { get; }

    /// <summary>The PER-encoded ConnectData (what goes into the userData OCTET STRING of MCS Connect Response).</summary>
    public byte[] ToArray()
    {
        // [MS-RDPBCGR 4.1.4] SC_CORE, SC_NET, SC_SECURITY, in the order Windows and xrdp send them: rdesktop reads the
        // security block's tags up to the end of the whole response, so that block must come last.
        var blocks = new RdpWriter(512);
        Core.Write(blocks);
        Network.Write(blocks);
        Security.Write(blocks);

        var connectPdu = new RdpWriter(blocks.Length + 24);
        connectPdu.WriteByte(0x14); // ConferenceCreateResponse, extension bit and userData present
        connectPdu.WriteUInt16BigEndian((ushort)(NodeId - 1001)); // nodeID: UserID constrained to 1001..65535
        connectPdu.WriteByte(0x01); // tag: INTEGER, length 1
        connectPdu.WriteByte(0x01); //      value 1
        connectPdu.WriteByte(0x00); // result: success
        connectPdu.WriteByte(0x01); // userData: one set member
        connectPdu.WriteByte(0xC0); // value present, key: h221NonStandard
        connectPdu.WriteByte(0x00); // key length 4 (PER: minimum 4)
        connectPdu.WriteBytes(ServerKey);
        PerWriter.WriteLength(connectPdu, blocks.Length);
        connectPdu.WriteBytes(blocks.WrittenSpan);

        var writer = new RdpWriter(connectPdu.Length + 16);
        writer.WriteBytes(GccConferenceCreateRequest.T124ObjectIdentifier);

        // The connectPDU length in one byte, as Windows and xrdp write it ([MS-RDPBCGR 4.1.4]: 0x2a in front of a
        // much longer PDU): rdesktop skips a fixed 21 bytes of header to reach the userData length, so a two-byte
        // length here would make it misread every server block.
        writer.WriteByte(connectPdu.Length < 0x80 ? (byte)connectPdu.Length : (byte)0x2A);
        writer.WriteBytes(connectPdu.WrittenSpan);
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes the ConnectData. The connectPDU length is read but not enforced: Windows servers write a value that
    /// does not match ([MS-RDPBCGR 4.1.4] shows 0x2a in front of a much longer PDU); the userData length is enforced.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, int baseOffset, [NotNullWhen(true)] out GccConferenceCreateResponse? response, out DecodeError error)
    {
        response = null;
        var reader = new RdpReader(data.Span, baseOffset);
        if (!reader.TryReadBytes("t124Identifier", GccConferenceCreateRequest.T124ObjectIdentifier.Length, out ReadOnlySpan<byte> oid))
        {
            error = reader.Error;
            return false;
        }

        if (!oid.SequenceEqual(GccConferenceCreateRequest.T124ObjectIdentifier))
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "t124Identifier", baseOffset, "not the T.124 object identifier 0.0.20.124.0.1");
            return false;
        }

        if (!reader.TryReadByte("connectPDU length", out byte first) || ((first & 0x80) != 0 && !reader.TrySkip("connectPDU length", 1)))
        {
            error = reader.Error;
            return false;
        }

        int choiceOffset = reader.Offset;
        if (!reader.TryReadByte("ConnectGCCPDU", out byte choice))
        {
            error = reader.Error;
            return false;
        }

        if ((choice & 0x7C) != 0x14)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "ConnectGCCPDU", choiceOffset, $"choice 0x{choice:x2} is not conferenceCreateResponse");
            return false;
        }

        if (!reader.TryReadUInt16BigEndian("nodeID", out ushort node) || !reader.TryReadByte("tag length", out byte tagLength)
            || !reader.TrySkip("tag", tagLength))
        {
            error = reader.Error;
            return false;
        }

        int resultOffset = reader.Offset;
        if (!reader.TryReadByte("result", out byte result))
        {
            error = reader.Error;
            return false;
        }

        if (result != 0)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "result", resultOffset, $"conference create result {result} (not success)");
            return false;
        }

        if (!reader.TryExpectByte("userData count", 0x01) || !reader.TryExpectByte("userData key choice", 0xC0) || !reader.TryReadByte("h221NonStandard length", out byte keyLength)
            || !reader.TryReadBytes("h221NonStandard", keyLength + 4, out ReadOnlySpan<byte> key))
        {
            error = reader.Error;
            return false;
        }

        if (!key.SequenceEqual(ServerKey))
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "h221NonStandard", reader.Offset - key.Length, "not \"McDn\"");
            return false;
        }

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

        ServerCoreData? core = null;
        ServerSecurityData? security = null;
        ServerNetworkData? network = null;
        int offset = baseOffset + blocksOffset;
        foreach (UserDataBlock block in blocks)
        {
            int dataOffset = offset + UserDataBlock.HeaderLength;
            bool ok = block.Type switch
            {
                UserDataBlock.ServerCore => ServerCoreData.TryDecode(block.Data.Span, dataOffset, out core, out error),
                UserDataBlock.ServerSecurity => ServerSecurityData.TryDecode(block.Data.Span, dataOffset, out security, out error),
                UserDataBlock.ServerNetwork => ServerNetworkData.TryDecode(block.Data.Span, dataOffset, out network, out error),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }

            offset += block.Data.Length + UserDataBlock.HeaderLength;
        }

        if (core is null || security is null || network is null)
        {
            string missing = core is null ? "SC_CORE" : security is null ? "SC_SECURITY" : "SC_NET";
            error = new DecodeError(DecodeErrorKind.Truncated, missing, baseOffset + blocksOffset, $"the server's user data has no {missing} block");
            return false;
        }

        response = new GccConferenceCreateResponse(core, security, network, (ushort)(node + 1001), blocks);
        error = default;
        return true;
    }
}
