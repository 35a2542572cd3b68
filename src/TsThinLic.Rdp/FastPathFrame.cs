using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.2] The framing of a fast-path PDU (TS_FP_INPUT_PDU, or the server's TS_FP_UPDATE_PDU):
/// fpInputHeader with action FASTPATH_INPUT_ACTION_FASTPATH (0) in its low two bits, then a one- or two-byte length
/// (top bit of the first byte set: 15 bits) that counts the whole PDU. A connection carries these beside TPKT packets
/// (action 3, the TPKT version) once the client is active.
/// </summary>
public static class FastPathFrame
{
    /// <summary>fpInputHeader (1) + length1 (1): the least that tells whether the length has a second byte.</summary>
    public const int MinimumHeaderLength = 2;

    /// <summary>Whether <paramref name="firstByte"/> starts a fast-path PDU rather than a TPKT packet.</summary>
    public static bool IsFastPath(byte firstByte) => (firstByte & 0x03) == 0;

    /// <summary>Finds one fast-path PDU at the start of <paramref name="buffer"/>; its declared length once the header is there.</summary>
    public static DecodeStatus TryReadFrame(ReadOnlySpan<byte> buffer, out int length, out DecodeError error)
    {
        length = 0;
        error = default;
        if (buffer.Length < MinimumHeaderLength)
        {
            return DecodeStatus.NeedMoreData;
        }

        if (!IsFastPath(buffer[0]))
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "fpInputHeader", 0, $"action {buffer[0] & 0x03} is not FASTPATH_INPUT_ACTION_FASTPATH");
            return DecodeStatus.Invalid;
        }

        int headerLength = (buffer[1] & 0x80) != 0 ? 3 : 2;
        if (buffer.Length < headerLength)
        {
            return DecodeStatus.NeedMoreData;
        }

        length = headerLength == 3 ? ((buffer[1] & 0x7F) << 8) | buffer[2] : buffer[1];
        if (length < headerLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", 1, $"declares {length}, shorter than its own header");
            return DecodeStatus.Invalid;
        }

        return buffer.Length < length ? DecodeStatus.NeedMoreData : DecodeStatus.Complete;
    }
}
