using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.5.1.1] Set Error Info PDU Data (TS_SET_ERROR_INFO_PDU): a Share Data PDU with pduType2
/// PDUTYPE2_SET_ERROR_INFO_PDU (0x2F) whose data is errorInfo, the reason the server is about to disconnect (the
/// ERRINFO_* codes; the licensing ones are 0x100–0x10A).
/// </summary>
public sealed class SetErrorInfoPdu
{
    /// <summary>The whole PDU: the Share Data Header and errorInfo (4).</summary>
    public const int EncodedLength = ShareDataPdu.HeaderLength + 4;

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
        byte[] errorInfo = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(errorInfo, ErrorInfo);
        return new ShareDataPdu(Source, ShareId, ShareDataPdu.StreamLow, ShareDataPdu.SetErrorInfo, errorInfo).ToArray();
    }

    /// <summary>Decodes the PDU (Share Control Header first, no security header).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out SetErrorInfoPdu? pdu, out DecodeError error)
    {
        pdu = null;
        if (!ShareDataPdu.TryDecode(data, out ShareDataPdu? share, out error))
        {
            return false;
        }

        if (share.PduType2 != ShareDataPdu.SetErrorInfo || share.Data.Length < 4)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType2", ShareDataPdu.HeaderLength - 4, $"0x{share.PduType2:x2} with {share.Data.Length} bytes of data is not PDUTYPE2_SET_ERROR_INFO_PDU");
            return false;
        }

        pdu = new SetErrorInfoPdu(share.Source, share.ShareId, BinaryPrimitives.ReadUInt32LittleEndian(share.Data.Span));
        return true;
    }
}
