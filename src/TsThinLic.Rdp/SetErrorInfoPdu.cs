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

    /// <summary>Encodes the PDU (for emulated servers and tests): shareId, streamId STREAM_LOW, uncompressed.</summary>
    public static byte[] Encode(uint shareId, uint errorInfo, ushort pduSource = 0)
    {
        byte[] pdu = new byte[Length];
        ShareControlHeader.Write(pdu, Length, ShareControlHeader.TypeData, pduSource);
        Span<byte> data = pdu.AsSpan(ShareControlHeader.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data, shareId);
        data[5] = 0x01; // STREAM_LOW
        BinaryPrimitives.WriteUInt16LittleEndian(data[6..], Length - ShareControlHeader.Length); // uncompressedLength (uncompressed: readers skip it)
        data[8] = PduType2SetErrorInfo;
        BinaryPrimitives.WriteUInt32LittleEndian(data[ShareDataHeaderLength..], errorInfo);
        return pdu;
    }
}
