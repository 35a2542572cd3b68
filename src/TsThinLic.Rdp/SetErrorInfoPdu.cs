using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.5.1] Set Error Info PDU: a Share Data PDU (pduType2 PDUTYPE2_SET_ERROR_INFO_PDU, 47) carrying the
/// errorInfo code the server sends before it disconnects ([MS-RDPBCGR 3.3.5.7.1]).
/// </summary>
public static class SetErrorInfoPdu
{
    /// <summary>PDUTYPE2_SET_ERROR_INFO_PDU.</summary>
    public const byte PduType2SetErrorInfo = 47;

    /// <summary>[MS-RDPBCGR 2.2.8.1.1.1.2] Share Data Header after the Share Control Header.</summary>
    public const int ShareDataHeaderLength = 4 /* shareId */ + 1 /* pad1 */ + 1 /* streamId */ + 2 /* uncompressedLength */
        + 1 /* pduType2 */ + 1 /* compressedType */ + 2 /* compressedLength */;

    /// <summary>The whole PDU: Share Control Header, Share Data Header, errorInfo.</summary>
    public const int Length = ShareControlHeader.Length + ShareDataHeaderLength + 4 /* errorInfo */;

    /// <summary>
    /// Reads pduType2 of a Share Data PDU (the bytes after its Share Control Header); when it is a Set Error Info PDU,
    /// its errorInfo. False with the error when the data PDU is too short to hold what it says.
    /// </summary>
    public static bool TryReadDataPdu(ReadOnlySpan<byte> afterShareControl, int baseOffset, out byte pduType2, out uint? errorInfo, out DecodeError error)
    {
        pduType2 = 0;
        errorInfo = null;
        if (afterShareControl.Length < ShareDataHeaderLength)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "shareDataHeader", baseOffset, $"needs {ShareDataHeaderLength} bytes, {afterShareControl.Length} remain");
            return false;
        }

        pduType2 = afterShareControl[8];
        if (pduType2 == PduType2SetErrorInfo)
        {
            if (afterShareControl.Length < ShareDataHeaderLength + 4)
            {
                error = new DecodeError(DecodeErrorKind.Truncated, "errorInfo", baseOffset + ShareDataHeaderLength, $"needs 4 bytes, {afterShareControl.Length - ShareDataHeaderLength} remain");
                return false;
            }

            errorInfo = BinaryPrimitives.ReadUInt32LittleEndian(afterShareControl[ShareDataHeaderLength..]);
        }

        error = default;
        return true;
    }

    /// <summary>
    /// Encodes the PDU (serve, emulated servers, tests) through the one Share Data PDU encoder: streamId STREAM_LOW,
    /// uncompressed, uncompressedLength the 4 bytes of errorInfo as FreeRDP counts it.
    /// </summary>
    public static byte[] Encode(uint shareId, uint errorInfo, ushort pduSource = 0)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, errorInfo);
        return new ShareDataPdu(pduSource, shareId, ShareDataPdu.StreamLow, PduType2SetErrorInfo, data).ToArray();
    }

    /// <summary>Decodes a whole Set Error Info PDU (Share Control Header first, no security header) to its errorInfo.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, out uint errorInfo, out DecodeError error)
    {
        errorInfo = 0;
        if (!ShareDataPdu.TryDecode(data, out ShareDataPdu? share, out error))
        {
            return false;
        }

        if (share.PduType2 != PduType2SetErrorInfo || share.Data.Length < 4)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType2", ShareDataPdu.HeaderLength - 4, $"0x{share.PduType2:x2} with {share.Data.Length} bytes of data is not PDUTYPE2_SET_ERROR_INFO_PDU");
            return false;
        }

        errorInfo = BinaryPrimitives.ReadUInt32LittleEndian(share.Data.Span);
        return true;
    }
}
