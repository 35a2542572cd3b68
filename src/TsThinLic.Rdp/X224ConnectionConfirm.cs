using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.2] Server X.224 Connection Confirm PDU: X.224 Connection Confirm TPDU ([X224] 13.4) with an
/// optional RDP_NEG_RSP ([2.2.1.2.1]) or RDP_NEG_FAILURE ([2.2.1.2.2]).
/// </summary>
public sealed class X224ConnectionConfirm
{
    /// <summary>X.224 TPDU code of a Connection Confirm (CC, with CDT 0).</summary>
    public const byte ConnectionConfirmCode = 0xD0;

    /// <summary>RDP_NEG_RSP type.</summary>
    public const byte TypeRdpNegRsp = 0x02;

    /// <summary>RDP_NEG_FAILURE type.</summary>
    public const byte TypeRdpNegFailure = 0x03;

    private const int NegotiationLength = 8;

    public X224ConnectionConfirm(NegotiationProtocols? selectedProtocol, byte responseFlags = 0, NegotiationFailureCode? failure = null)
    {
        SelectedProtocol = selectedProtocol;
        ResponseFlags = responseFlags;
        Failure = failure;
    }

    /// <summary>selectedProtocol of RDP_NEG_RSP; null when the server sent none (an RDP 4.0/5.0 server: Standard RDP Security).</summary>
    public NegotiationProtocols? SelectedProtocol { get; }

    /// <summary>flags of RDP_NEG_RSP (EXTENDED_CLIENT_DATA_SUPPORTED, …).</summary>
    public byte ResponseFlags { get; }

    /// <summary>failureCode of RDP_NEG_FAILURE; null when the negotiation succeeded.</summary>
    public NegotiationFailureCode? Failure { get; }

    /// <summary>The whole PDU, TPKT header included (used by tests and the loopback fakes).</summary>
    public byte[] ToArray()
    {
        var writer = new RdpWriter(32);
        writer.WriteZeros(Tpkt.HeaderLength);
        bool hasNegotiation = SelectedProtocol is not null || Failure is not null;
        writer.WriteByte((byte)(6 + (hasNegotiation ? NegotiationLength : 0)));
        writer.WriteByte(ConnectionConfirmCode);
        writer.WriteUInt16BigEndian(0); // DST-REF
        writer.WriteUInt16BigEndian(0x1234); // SRC-REF (any value)
        writer.WriteByte(0); // CLASS OPTION
        if (Failure is { } failure)
        {
            writer.WriteByte(TypeRdpNegFailure);
            writer.WriteByte(0);
            writer.WriteUInt16(NegotiationLength);
            writer.WriteUInt32((uint)failure);
        }
        else if (SelectedProtocol is { } selected)
        {
            writer.WriteByte(TypeRdpNegRsp);
            writer.WriteByte(ResponseFlags);
            writer.WriteUInt16(NegotiationLength);
            writer.WriteUInt32((uint)selected);
        }

        byte[] packet = writer.ToArray();
        Tpkt.WriteHeader(packet, packet.Length - Tpkt.HeaderLength);
        return packet;
    }

    /// <summary>Decodes a whole packet (TPKT header included).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out X224ConnectionConfirm? confirm, out DecodeError error)
    {
        confirm = null;
        if (!Tpkt.TryUnwrap(packet, out ReadOnlySpan<byte> tpdu, out error))
        {
            return false;
        }

        var reader = new RdpReader(tpdu, Tpkt.HeaderLength);
        if (!reader.TryReadByte("LI", out byte li))
        {
            error = reader.Error;
            return false;
        }

        if (li != tpdu.Length - 1)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "LI", Tpkt.HeaderLength, $"declares {li}, {tpdu.Length - 1} follow");
            return false;
        }

        int codeOffset = reader.Offset;
        if (!reader.TryReadByte("CC CDT", out byte code))
        {
            error = reader.Error;
            return false;
        }

        if ((code & 0xF0) != ConnectionConfirmCode)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "CC CDT", codeOffset, $"TPDU code 0x{code:x2} is not a Connection Confirm");
            return false;
        }

        if (!reader.TrySkip("DST-REF", 2) || !reader.TrySkip("SRC-REF", 2) || !reader.TrySkip("CLASS OPTION", 1))
        {
            error = reader.Error;
            return false;
        }

        if (reader.Remaining == 0)
        {
            confirm = new X224ConnectionConfirm(null);
            return true;
        }

        int negotiationOffset = reader.Offset;
        if (!reader.TryReadBytes("rdpNegData", NegotiationLength, out ReadOnlySpan<byte> negotiation))
        {
            error = reader.Error;
            return false;
        }

        if (reader.Remaining != 0)
        {
            error = new DecodeError(DecodeErrorKind.TrailingData, "rdpNegData", reader.Offset, $"{reader.Remaining} bytes after RDP_NEG_RSP");
            return false;
        }

        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(negotiation[2..]);
        if (length != NegotiationLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", negotiationOffset + 2, $"declares {length}, expected 8");
            return false;
        }

        uint value = BinaryPrimitives.ReadUInt32LittleEndian(negotiation[4..]);
        switch (negotiation[0])
        {
            case TypeRdpNegRsp:
                confirm = new X224ConnectionConfirm((NegotiationProtocols)value, negotiation[1]);
                return true;
            case TypeRdpNegFailure:
                confirm = new X224ConnectionConfirm(null, 0, (NegotiationFailureCode)value);
                return true;
            default:
                error = new DecodeError(DecodeErrorKind.InvalidValue, "type", negotiationOffset, $"0x{negotiation[0]:x2} is neither RDP_NEG_RSP nor RDP_NEG_FAILURE");
                return false;
        }
    }
}
