using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.1.1.1] Share Control Header (TS_SHARECONTROLHEADER): the first bytes of every slow-path PDU
/// after licensing. The probe reads it to see which PDU ends the wait for the server's verdict; serve writes it on its
/// Demand Active and Share Data PDUs and reads the client's Confirm Active with it.
/// </summary>
/// <param name="TotalLength">totalLength: the whole PDU, this header included (0x8000 marks a flow-control PDU).</param>
/// <param name="PduType">pduType: the type in the low 4 bits, TS_PROTOCOL_VERSION (0x10) above them.</param>
/// <param name="PduSource">pduSource: the sender's MCS channel ID.</param>
public readonly record struct ShareControlHeader(ushort TotalLength, ushort PduType, ushort PduSource)
{
    public const int Length = 2 /* totalLength */ + 2 /* pduType */ + 2 /* pduSource */;

    /// <summary>PDUTYPE_DEMANDACTIVEPDU.</summary>
    public const int TypeDemandActive = (int)SharePduType.DemandActive;

    /// <summary>PDUTYPE_CONFIRMACTIVEPDU.</summary>
    public const int TypeConfirmActive = (int)SharePduType.ConfirmActive;

    /// <summary>PDUTYPE_DEACTIVATEALLPDU.</summary>
    public const int TypeDeactivateAll = (int)SharePduType.DeactivateAll;

    /// <summary>PDUTYPE_DATAPDU.</summary>
    public const int TypeData = (int)SharePduType.Data;

    /// <summary>PDUTYPE_SERVER_REDIR_PKT.</summary>
    public const int TypeServerRedirect = (int)SharePduType.ServerRedirect;

    /// <summary>TS_PROTOCOL_VERSION in the upper bits of pduType.</summary>
    public const ushort ProtocolVersion = 0x0010;

    /// <summary>totalLength of a flow-control PDU ([MS-RDPBCGR 2.2.8.1.1.1.1]).</summary>
    public const ushort FlowPduMarker = 0x8000;

    /// <summary>The PDU type (pduType's low 4 bits).</summary>
    public int Type => PduType & 0x000F;

    /// <summary>The PDU type as the enumeration the server side uses.</summary>
    public SharePduType Kind => (SharePduType)Type;

    /// <summary>A header for a PDU of <paramref name="totalLength"/> bytes of <paramref name="type"/>, TS_PROTOCOL_VERSION set.</summary>
    public static ShareControlHeader Create(int totalLength, SharePduType type, ushort pduSource)
        => new((ushort)totalLength, (ushort)(ProtocolVersion | (byte)type), pduSource);

    /// <summary>
    /// Reads the header of a PDU that is not a flow-control PDU (nothing in the connection sequence sends one): as
    /// <see cref="TryDecode"/>, and totalLength is then the PDU's length within <paramref name="data"/>.
    /// </summary>
    public static bool TryDecodePdu(ReadOnlySpan<byte> data, int baseOffset, out ShareControlHeader header, out DecodeError error)
    {
        if (!TryDecode(data, baseOffset, out header, out error))
        {
            return false;
        }

        if (header.TotalLength == FlowPduMarker)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "totalLength", baseOffset, "a flow-control PDU (0x8000) where a Share Control PDU belongs");
            return false;
        }

        return true;
    }

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(TotalLength);
        writer.WriteUInt16(PduType);
        writer.WriteUInt16(PduSource);
    }

    /// <summary>
    /// Reads the header and checks it is one: TS_PROTOCOL_VERSION set and totalLength within <paramref name="data"/>
    /// (a flow-control PDU too). False when <paramref name="data"/> is not a Share Control PDU.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, out ShareControlHeader header, out DecodeError error)
    {
        header = default;
        if (data.Length < Length)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "totalLength", baseOffset, $"a Share Control Header needs {Length} bytes, {data.Length} remain");
            return false;
        }

        ushort totalLength = BinaryPrimitives.ReadUInt16LittleEndian(data);
        ushort pduType = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        if (totalLength != FlowPduMarker && (totalLength < Length || totalLength > data.Length))
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "totalLength", baseOffset, $"declares {totalLength}, {data.Length} bytes are there");
            return false;
        }

        if (totalLength != FlowPduMarker && (pduType & 0xFFF0) != ProtocolVersion)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "pduType", baseOffset + 2, $"0x{pduType:x4} lacks TS_PROTOCOL_VERSION");
            return false;
        }

        header = new ShareControlHeader(totalLength, pduType, BinaryPrimitives.ReadUInt16LittleEndian(data[4..]));
        error = default;
        return true;
    }

    /// <summary>Writes a header for a PDU of <paramref name="totalLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, ushort totalLength, int type, ushort pduSource)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, totalLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)(ProtocolVersion | type));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], pduSource);
    }
}
