using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.5.1.1] Set Error Info PDU Data (TS_SET_ERROR_INFO_PDU): a Share Data Header with pduType2
/// PDUTYPE2_SET_ERROR_INFO_PDU (0x2F), then errorInfo, the reason the server is about to disconnect (the ERRINFO_*
/// codes; the licensing ones are 0x100–0x10A).
/// </summary>
public sealed class SetErrorInfoPdu
{
    /// <summary>PDUTYPE2_SET_ERROR_INFO_PDU.</summary>
    public const byte PduType2 = 0x2F;

    /// <summary>Share Control Header + shareId (4) + pad1 (1) + streamId (1) + uncompressedLength (2) + pduType2 (1) + compressedType (1) + compressedLength (2).</summary>
    public const int ShareDataHeaderLength = ShareControlHeader.Length + 4 + 1 + 1 + 2 + 1 + 1 + 2;

    /// <summary>The whole PDU: the Share Data Header and errorInfo (4).</summary>
    public const int EncodedLength = ShareDataHeaderLength + 4;

    /// <summary>STREAM_LOW: the stream of a Set Error Info PDU.</summary>
    private const byte StreamLow = 0x01;

    public SetErrorInfoPdu(ushort source, uint shareId, uint errorInfo)
    {
        Source = source;
        ShareId = shareId;
        ErrorInfo = errorInfo;
    }

    /// <summary>pduSource: the server's MCS channel.</summary>
    public ushort Source { get; }

    /// <summary>shareId.</summary>
    public uint ShareId { get; }

    /// <summary>errorInfo (see <see cref="RdpSpecNames.ErrorInfo"/>).</summary>
    public uint ErrorInfo { get; }

    /// <summary>The PDU.</summary>
    public byte[] ToArray()
    {
        var writer = new RdpWriter(EncodedLength);
        new ShareControlHeader(EncodedLength, SharePduType.Data, Source).Write(writer);
        writer.WriteUInt32(ShareId);
        writer.WriteByte(0); // pad1
        writer.WriteByte(StreamLow);
        writer.WriteUInt16(4); // uncompressedLength: the data after this header, as FreeRDP and the spec's examples count it
        writer.WriteByte(PduType2);
        writer.WriteByte(0); // compressedType
        writer.WriteUInt16(0); // compressedLength
        writer.WriteUInt32(ErrorInfo);
        return writer.ToArray();
    }

    /// <summary>Decodes the PDU (Share Control Header first, no security header).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SetErrorInfoPdu? pdu, out DecodeError error)
    {
        pdu = null;
        if (!ShareControlHeader.TryRead(data, 0, out ShareControlHeader? header, out error))
        {
            return false;
        }

        if (header.Value.Type != SharePduType.Data || header.Value.TotalLength < EncodedLength)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType", 2, "not a Share Data PDU long enough for errorInfo");
            return false;
        }

        if (data[ShareDataHeaderLength - 4] != PduType2)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType2", ShareDataHeaderLength - 4, $"0x{data[ShareDataHeaderLength - 4]:x2} is not PDUTYPE2_SET_ERROR_INFO_PDU");
            return false;
        }

        pdu = new SetErrorInfoPdu(header.Value.Source, BinaryPrimitives.ReadUInt32LittleEndian(data[ShareControlHeader.Length..]), BinaryPrimitives.ReadUInt32LittleEndian(data[ShareDataHeaderLength..]));
        return true;
    }
}
