using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.5–2.2.1.8, 2.2.8.1.1] The PER-encoded MCS domain PDUs of [T125] that the connection sequence
/// uses: Erect Domain Request, Attach User Request/Confirm, Channel Join Request/Confirm, Send Data
/// Request/Indication and Disconnect Provider Ultimatum. User IDs travel as an offset from 1001 (UserId ::= 1001..65535).
/// </summary>
public sealed class McsDomainPdu
{
    /// <summary>The base of MCS user IDs ([T125] DynamicChannelId ranges).</summary>
    public const ushort UserIdBase = 1001;

    /// <summary>The largest Send Data payload accepted (a PER length of at most 14 bits).</summary>
    public const int MaxDataLength = 0x3FFF;

    private McsDomainPdu(McsDomainPduType type)
    {
        Type = type;
    }

    /// <summary>The DomainMCSPDU choice.</summary>
    public McsDomainPduType Type { get; private init; }

    /// <summary>result (Attach User Confirm, Channel Join Confirm; 0 = rt-successful).</summary>
    public byte Result { get; private init; }

    /// <summary>initiator: the user channel ID (absolute, 1001 and up).</summary>
    public ushort Initiator { get; private init; }

    /// <summary>channelId (Channel Join, Send Data).</summary>
    public ushort ChannelId { get; private init; }

    /// <summary>requested (Channel Join Confirm).</summary>
    public ushort RequestedChannelId { get; private init; }

    /// <summary>userData (Send Data).</summary>
    public ReadOnlyMemory<byte> Data { get; private init; }

    /// <summary>reason (Disconnect Provider Ultimatum).</summary>
    public byte Reason { get; private init; }

    /// <summary>Erect Domain Request: subHeight 0, subInterval 0 ([MS-RDPBCGR 2.2.1.5]).</summary>
    public static byte[] EncodeErectDomainRequest() => [(byte)McsDomainPduType.ErectDomainRequest << 2, 0x01, 0x00, 0x01, 0x00];

    /// <summary>Attach User Request ([MS-RDPBCGR 2.2.1.6]).</summary>
    public static byte[] EncodeAttachUserRequest() => [(byte)McsDomainPduType.AttachUserRequest << 2];

    /// <summary>Attach User Confirm with its initiator ([MS-RDPBCGR 2.2.1.7]).</summary>
    public static byte[] EncodeAttachUserConfirm(byte result, ushort userId)
    {
        var writer = new RdpWriter(4);
        writer.WriteByte(((byte)McsDomainPduType.AttachUserConfirm << 2) | 0x02);
        writer.WriteByte((byte)(result << 4));
        writer.WriteUInt16BigEndian((ushort)(userId - UserIdBase));
        return writer.ToArray();
    }

    /// <summary>Channel Join Request ([MS-RDPBCGR 2.2.1.8]).</summary>
    public static byte[] EncodeChannelJoinRequest(ushort userId, ushort channelId)
    {
        var writer = new RdpWriter(5);
        writer.WriteByte((byte)McsDomainPduType.ChannelJoinRequest << 2);
        writer.WriteUInt16BigEndian((ushort)(userId - UserIdBase));
        writer.WriteUInt16BigEndian(channelId);
        return writer.ToArray();
    }

    /// <summary>Channel Join Confirm with channelId ([MS-RDPBCGR 2.2.1.9]).</summary>
    public static byte[] EncodeChannelJoinConfirm(byte result, ushort userId, ushort channelId)
    {
        var writer = new RdpWriter(8);
        writer.WriteByte(((byte)McsDomainPduType.ChannelJoinConfirm << 2) | 0x02);
        writer.WriteByte((byte)(result << 4));
        writer.WriteUInt16BigEndian((ushort)(userId - UserIdBase));
        writer.WriteUInt16BigEndian(channelId);
        writer.WriteUInt16BigEndian(channelId);
        return writer.ToArray();
    }

    /// <summary>Send Data Request (client to server) or Indication (server to client), priority high, segmentation begin|end.</summary>
    public static byte[] EncodeSendData(McsDomainPduType type, ushort userId, ushort channelId, ReadOnlySpan<byte> data)
    {
        if (type is not (McsDomainPduType.SendDataRequest or McsDomainPduType.SendDataIndication))
        {
            throw new ArgumentOutOfRangeException(nameof(type));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxDataLength);
        var writer = new RdpWriter(data.Length + 8);
        writer.WriteByte((byte)((byte)type << 2));
        writer.WriteUInt16BigEndian((ushort)(userId - UserIdBase));
        writer.WriteUInt16BigEndian(channelId);
        writer.WriteByte(0x70); // dataPriority high (01), segmentation begin|end (11), padding
        PerWriter.WriteLength(writer, data.Length);
        writer.WriteBytes(data);
        return writer.ToArray();
    }

    /// <summary>Disconnect Provider Ultimatum with reason rn-user-requested (3) ([MS-RDPBCGR 2.2.2.3]).</summary>
    public static byte[] EncodeDisconnectProviderUltimatum(byte reason = 3)
    {
        // The 3-bit reason straddles the two bytes: two bits after the choice, one at the top of the next byte.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reason, (byte)7);
        return [(byte)(((byte)McsDomainPduType.DisconnectProviderUltimatum << 2) | (reason >> 1)), (byte)((reason & 1) << 7)];
    }

    /// <summary>Decodes one MCS domain PDU (without X.224 and TPKT headers); <paramref name="baseOffset"/> is added to error offsets.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> pdu, int baseOffset, [NotNullWhen(true)] out McsDomainPdu? result, out DecodeError error)
    {
        result = null;
        var reader = new RdpReader(pdu.Span, baseOffset);
        if (!reader.TryReadByte("DomainMCSPDU", out byte first))
        {
            error = reader.Error;
            return false;
        }

        var type = (McsDomainPduType)(first >> 2);
        switch (type)
        {
            case McsDomainPduType.ErectDomainRequest when reader.Remaining == 4 && pdu.Span[1] == 0:
                // rdesktop writes subHeight and subInterval as two bare 16-bit big-endian values (00 01 00 01), not as
                // PER INTEGERs; servers take it (the values are not used), and so does this decoder.
                reader.TrySkip("subHeight, subInterval", 4);
                result = new McsDomainPdu(type);
                break;

            case McsDomainPduType.ErectDomainRequest:
                // subHeight and subInterval: unconstrained PER INTEGERs, each a length byte then the value.
                if (!reader.TryReadByte("subHeight length", out byte heightLength) || !reader.TrySkip("subHeight", heightLength)
                    || !reader.TryReadByte("subInterval length", out byte intervalLength) || !reader.TrySkip("subInterval", intervalLength))
                {
                    error = reader.Error;
                    return false;
                }

                result = new McsDomainPdu(type);
                break;

            case McsDomainPduType.AttachUserRequest:
                result = new McsDomainPdu(type);
                break;

            case McsDomainPduType.DisconnectProviderUltimatum:
                reader.TryReadByte("reason", out byte second);
                result = new McsDomainPdu(type) { Reason = (byte)(((first & 0x03) << 1) | (second >> 7)) };
                break;

            case McsDomainPduType.AttachUserConfirm:
                {
                    if (!reader.TryReadByte("result", out byte code))
                    {
                        error = reader.Error;
                        return false;
                    }

                    ushort initiator = 0;
                    if ((first & 0x02) != 0 && !reader.TryReadUInt16BigEndian("initiator", out initiator))
                    {
                        error = reader.Error;
                        return false;
                    }

                    result = new McsDomainPdu(type) { Result = (byte)(code >> 4), Initiator = (first & 0x02) != 0 ? (ushort)(initiator + UserIdBase) : (ushort)0 };
                    break;
                }

            case McsDomainPduType.ChannelJoinRequest:
                {
                    if (!reader.TryReadUInt16BigEndian("initiator", out ushort initiator) || !reader.TryReadUInt16BigEndian("channelId", out ushort channel))
                    {
                        error = reader.Error;
                        return false;
                    }

                    result = new McsDomainPdu(type) { Initiator = (ushort)(initiator + UserIdBase), ChannelId = channel };
                    break;
                }

            case McsDomainPduType.ChannelJoinConfirm:
                {
                    if (!reader.TryReadByte("result", out byte code) || !reader.TryReadUInt16BigEndian("initiator", out ushort initiator)
                        || !reader.TryReadUInt16BigEndian("requested", out ushort requested))
                    {
                        error = reader.Error;
                        return false;
                    }

                    ushort channel = 0;
                    if ((first & 0x02) != 0 && !reader.TryReadUInt16BigEndian("channelId", out channel))
                    {
                        error = reader.Error;
                        return false;
                    }

                    result = new McsDomainPdu(type) { Result = (byte)(code >> 4), Initiator = (ushort)(initiator + UserIdBase), RequestedChannelId = requested, ChannelId = channel };
                    break;
                }

            case McsDomainPduType.SendDataRequest:
            case McsDomainPduType.SendDataIndication:
                {
                    if (!reader.TryReadUInt16BigEndian("initiator", out ushort initiator) || !reader.TryReadUInt16BigEndian("channelId", out ushort channel)
                        || !reader.TrySkip("dataPriority", 1) || !reader.TryReadPerLength("userData length", out int length))
                    {
                        error = reader.Error;
                        return false;
                    }

                    result = new McsDomainPdu(type) { Initiator = (ushort)(initiator + UserIdBase), ChannelId = channel, Data = pdu.Slice(reader.Position, length) };
                    reader.TrySkip("userData", length);
                    break;
                }

            default:
                error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "DomainMCSPDU", baseOffset, $"choice {(int)type} (0x{first:x2}) is not one this client handles");
                return false;
        }

        if (reader.Remaining != 0)
        {
            error = new DecodeError(DecodeErrorKind.TrailingData, "DomainMCSPDU", reader.Offset, $"{reader.Remaining} bytes after {type}");
            result = null;
            return false;
        }

        error = default;
        return true;
    }
}
