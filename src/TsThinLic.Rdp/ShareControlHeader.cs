using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.1.1.1] Share Control Header (TS_SHARECONTROLHEADER): totalLength (the whole PDU, this header
/// included), pduType (the type in the low nibble, TS_PROTOCOL_VERSION 0x10 above it) and pduSource.
/// </summary>
public readonly record struct ShareControlHeader(ushort TotalLength, SharePduType Type, ushort Source)
{
    /// <summary>totalLength (2) + pduType (2) + pduSource (2).</summary>
    public const int Length = 2 /* totalLength */ + 2 /* pduType */ + 2 /* pduSource */;

    /// <summary>TS_PROTOCOL_VERSION, in the pduType's upper bits.</summary>
    public const ushort ProtocolVersion = 0x0010;

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(TotalLength);
        writer.WriteUInt16((ushort)((byte)Type | ProtocolVersion));
        writer.WriteUInt16(Source);
    }

    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>; totalLength must cover the header and fit in what
    /// remains. The version bits are not checked (clients write 0x10; some tools write 0).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ShareControlHeader? header, out DecodeError error)
    {
        header = null;
        var reader = new RdpReader(data, baseOffset);
        if (!reader.TryReadUInt16("totalLength", out ushort total) || !reader.TryReadUInt16("pduType", out ushort type))
        {
            error = reader.Error;
            return false;
        }

        // A flow PDU (totalLength 0x8000) has no pduSource; nothing in the connection sequence sends one.
        if (total < Length || total > data.Length)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "totalLength", baseOffset, $"declares {total}, {data.Length} bytes are there");
            return false;
        }

        reader.TryReadUInt16("pduSource", out ushort source);
        header = new ShareControlHeader(total, (SharePduType)(type & 0x0F), source);
        error = default;
        return true;
    }
}
