using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.1.1.2] A Share Data PDU: Share Control Header (PDUTYPE_DATAPDU), then the Share Data Header
/// (shareId, pad1, streamId, uncompressedLength, pduType2, compressedType, compressedLength) and the data. Uncompressed
/// only (no bulk compression is negotiated before the capabilities exchange).
/// </summary>
public sealed class ShareDataPdu
{
    /// <summary>Share Control Header + shareId (4) + pad1 (1) + streamId (1) + uncompressedLength (2) + pduType2 (1) + compressedType (1) + compressedLength (2).</summary>
    public const int HeaderLength = ShareControlHeader.Length + 4 + 1 + 1 + 2 + 1 + 1 + 2;

    /// <summary>PDUTYPE2_CONTROL.</summary>
    public const byte Control = 0x14;

    /// <summary>PDUTYPE2_SYNCHRONIZE.</summary>
    public const byte Synchronize = 0x1F;

    /// <summary>PDUTYPE2_FONTLIST.</summary>
    public const byte FontList = 0x27;

    /// <summary>PDUTYPE2_FONTMAP.</summary>
    public const byte FontMap = 0x28;

    /// <summary>PDUTYPE2_SET_ERROR_INFO_PDU.</summary>
    public const byte SetErrorInfo = SetErrorInfoPdu.PduType2SetErrorInfo;

    /// <summary>STREAM_LOW.</summary>
    public const byte StreamLow = 0x01;

    /// <summary>STREAM_MED.</summary>
    public const byte StreamMedium = 0x02;

    public ShareDataPdu(ushort source, uint shareId, byte streamId, byte pduType2, ReadOnlyMemory<byte> data)
    {
        Source = source;
        ShareId = shareId;
        StreamId = streamId;
        PduType2 = pduType2;
        Data = data;
    }

    /// <summary>pduSource.</summary>
    public ushort Source { get; }

    /// <summary>shareId.</summary>
    public uint ShareId { get; }

    /// <summary>streamId.</summary>
    public byte StreamId { get; }

    /// <summary>pduType2.</summary>
    public byte PduType2 { get; }

    /// <summary>The data after the header.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The PDU.</summary>
    public byte[] ToArray()
    {
        int total = HeaderLength + Data.Length;
        var writer = new RdpWriter(total);
        ShareControlHeader.Create(total, SharePduType.Data, Source).Write(writer);
        writer.WriteUInt32(ShareId);
        writer.WriteByte(0); // pad1
        writer.WriteByte(StreamId);
        writer.WriteUInt16((ushort)Data.Length); // uncompressedLength: the data after this header, as FreeRDP counts it
        writer.WriteByte(PduType2);
        writer.WriteByte(0); // compressedType
        writer.WriteUInt16(0); // compressedLength
        writer.WriteBytes(Data.Span);
        return writer.ToArray();
    }

    /// <summary>Decodes a Share Data PDU (no security header); the data runs to the Share Control Header's totalLength.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out ShareDataPdu? pdu, out DecodeError error)
    {
        pdu = null;
        if (!ShareControlHeader.TryDecodePdu(data.Span, 0, out ShareControlHeader header, out error))
        {
            return false;
        }

        if (header.Kind != SharePduType.Data || header.TotalLength < HeaderLength)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType", 2, $"type {header.Type} with totalLength {header.TotalLength} is not a Share Data PDU");
            return false;
        }

        var reader = new RdpReader(data.Span[..header.TotalLength], 0);
        reader.TrySkip("shareControlHeader", ShareControlHeader.Length);
        reader.TryReadUInt32("shareId", out uint shareId);
        reader.TrySkip("pad1", 1);
        reader.TryReadByte("streamId", out byte streamId);
        reader.TrySkip("uncompressedLength", 2);
        reader.TryReadByte("pduType2", out byte pduType2);
        int compressedOffset = reader.Offset;
        reader.TryReadByte("compressedType", out byte compressedType);
        if ((compressedType & 0x20) != 0)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "compressedType", compressedOffset, "the data is compressed (PACKET_COMPRESSED)");
            return false;
        }

        reader.TrySkip("compressedLength", 2);
        pdu = new ShareDataPdu(header.PduSource, shareId, streamId, pduType2, data[HeaderLength..header.TotalLength]);
        return true;
    }
}
