using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12] Decodes licensing PDUs, with or without a TS_SECURITY_HEADER in front, from a span (one whole
/// PDU) or from a pipe buffer (framing by wMsgSize). Never throws on wire data.
/// </summary>
/// <remarks>
/// <para>Security header detection: a first byte that is a known bMsgType means the preamble comes first; otherwise a
/// flags word with SEC_LICENSE_PKT means a 4-byte TS_SECURITY_HEADER precedes it (its low byte always has 0x80 set,
/// which no bMsgType but ERROR_ALERT's 0xFF has). A header with SEC_ENCRYPT is reported as
/// <see cref="DecodeErrorKind.Encrypted"/>: Standard RDP Security decryption is the caller's business.</para>
/// <para>wMsgSize counts the preamble and the message. After a security header it is also accepted when it counts those
/// 4 bytes too (IronRDP's test vectors do); <see cref="LicensingPdu.MessageSizeIncludesSecurityHeader"/> then says so.
/// Framing tries that reading only when the spec's frame is not yet complete and the shorter frame decodes cleanly; a
/// quirk frame directly followed by another PDU in the same buffer is framed the spec's way and fails with
/// TrailingData (licensing is a strict request/response exchange, so a server never has two PDUs in flight).</para>
/// <para>Memory: the frame is copied once, into an array the decoded message keeps (its byte fields are slices of it),
/// after the declared size has been checked, so decoding allocates little more than one PDU.</para>
/// </remarks>
public static class LicensingPduDecoder
{
    /// <summary>The largest frame: a 65535-byte wMsgSize plus the security header.</summary>
    public const int MaxPduLength = LicensingLimits.MaxPduLength;

    private const int MaxHeaderLength = SecurityHeader.Length + LicensePreamble.Length;

    /// <summary>Decodes one whole PDU (preamble first, or TS_SECURITY_HEADER first: auto-detected).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> pdu, [NotNullWhen(true)] out LicensingPdu? result, out DecodeError error)
    {
        result = null;
        DecodeStatus header = TryReadHeader(pdu.Slice(0, Math.Min(pdu.Length, MaxHeaderLength)), out Header parsed, out error);
        if (header != DecodeStatus.Complete)
        {
            return false;
        }

        if (!TryCheckSize(parsed, pdu.Length, out error))
        {
            return false;
        }

        return TryDecodeFrame(pdu.ToArray(), parsed, out result, out error);
    }

    /// <summary>
    /// Finds one PDU at the start of <paramref name="buffer"/> by its wMsgSize (+4 after a security header). Rejects an
    /// impossible header (unknown type, encrypted, wMsgSize below the message's minimum) as soon as its bytes are there,
    /// before waiting for the body.
    /// </summary>
    public static DecodeStatus TryReadFrame(in ReadOnlySequence<byte> buffer, out SequencePosition frameEnd, out int frameLength, out DecodeError error)
        => ReadFrame(buffer, decode: false, out frameEnd, out frameLength, out _, out error);

    /// <summary>
    /// Frames and decodes one PDU from a pipe buffer. <paramref name="consumed"/> is the end of the frame when the status
    /// is Complete, or Invalid after a whole frame was read; otherwise the buffer's start.
    /// </summary>
    public static DecodeStatus TryDecode(in ReadOnlySequence<byte> buffer, out LicensingPdu? result, out SequencePosition consumed, out DecodeError error)
        => ReadFrame(buffer, decode: true, out consumed, out _, out result, out error);

    /// <summary>The smallest wMsgSize each message can have (all its variable parts empty).</summary>
    internal static int MinimumMessageSize(LicensingMessageType type) => type switch
    {
        LicensingMessageType.LicenseRequest => ServerLicenseRequest.MinimumMessageSize,
        LicensingMessageType.PlatformChallenge => ServerPlatformChallenge.MinimumMessageSize,
        LicensingMessageType.NewLicense or LicensingMessageType.UpgradeLicense => ServerNewLicense.MinimumMessageSize,
        LicensingMessageType.LicenseInfo => ClientLicenseInfo.MinimumMessageSize,
        LicensingMessageType.NewLicenseRequest => ClientNewLicenseRequest.MinimumMessageSize,
        LicensingMessageType.PlatformChallengeResponse => ClientPlatformChallengeResponse.MinimumMessageSize,
        _ => LicenseErrorAlert.MinimumMessageSize,
    };

    internal static bool IsKnownMessageType(byte value) => (LicensingMessageType)value is LicensingMessageType.LicenseRequest
        or LicensingMessageType.PlatformChallenge or LicensingMessageType.NewLicense or LicensingMessageType.UpgradeLicense
        or LicensingMessageType.LicenseInfo or LicensingMessageType.NewLicenseRequest
        or LicensingMessageType.PlatformChallengeResponse or LicensingMessageType.ErrorAlert;

    private static DecodeStatus ReadFrame(in ReadOnlySequence<byte> buffer, bool decode, out SequencePosition frameEnd, out int frameLength, out LicensingPdu? result, out DecodeError error)
    {
        frameEnd = buffer.Start;
        frameLength = 0;
        result = null;

        Span<byte> head = stackalloc byte[MaxHeaderLength];
        int headLength = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, headLength).CopyTo(head);
        DecodeStatus status = TryReadHeader(head.Slice(0, headLength), out Header header, out error);
        if (status != DecodeStatus.Complete)
        {
            return status;
        }

        int specLength = header.HeaderLength + header.Preamble.MessageSize;
        if (buffer.Length >= specLength)
        {
            frameLength = specLength;
            frameEnd = buffer.GetPosition(specLength);
            if (decode)
            {
                byte[] frame = new byte[specLength];
                buffer.Slice(0, specLength).CopyTo(frame);
                return TryDecodeFrame(frame, header, out result, out error) ? DecodeStatus.Complete : DecodeStatus.Invalid;
            }

            error = default;
            return DecodeStatus.Complete;
        }

        // IronRDP's wMsgSize counts the security header: the frame may already be whole at wMsgSize bytes.
        int quirkLength = header.Preamble.MessageSize;
        if (header.SecurityHeader is not null && buffer.Length >= quirkLength)
        {
            if (TryDecodeQuirkFrame(buffer.Slice(0, quirkLength), header, keep: decode, out LicensingPdu? quirk))
            {
                frameLength = quirkLength;
                frameEnd = buffer.GetPosition(quirkLength);
                result = quirk;
                error = default;
                return DecodeStatus.Complete;
            }
        }

        error = new DecodeError(DecodeErrorKind.Truncated, "wMsgSize", header.HeaderLength + 2, $"declares {header.Preamble.MessageSize}, {buffer.Length - header.HeaderLength} received so far");
        return DecodeStatus.NeedMoreData;
    }

    private static bool TryDecodeQuirkFrame(in ReadOnlySequence<byte> candidate, Header header, bool keep, out LicensingPdu? result)
    {
        int length = (int)candidate.Length;
        if (keep)
        {
            byte[] frame = new byte[length];
            candidate.CopyTo(frame);
            return TryDecodeFrame(frame, header, out result, out _) && result.MessageSizeIncludesSecurityHeader;
        }

        // Only the verdict is wanted: decode from a pooled copy and drop the result before returning the array.
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            candidate.CopyTo(rented);
            bool whole = TryDecodeFrame(rented.AsMemory(0, length), header, out LicensingPdu? probe, out _) && probe.MessageSizeIncludesSecurityHeader;
            result = null;
            return whole;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Checks the declared wMsgSize against a whole PDU of <paramref name="length"/> bytes.</summary>
    private static bool TryCheckSize(Header header, int length, out DecodeError error)
    {
        int available = length - header.HeaderLength;
        int declared = header.Preamble.MessageSize;
        int fieldOffset = header.HeaderLength + 2;
        if (declared == available || (header.SecurityHeader is not null && declared == length))
        {
            error = default;
            return true;
        }

        error = declared > available
            ? new DecodeError(DecodeErrorKind.Truncated, "wMsgSize", fieldOffset, $"declares {declared}, {available} remain")
            : new DecodeError(DecodeErrorKind.TrailingData, "wMsgSize", header.HeaderLength + declared, $"declares {declared}, {available} present");
        return false;
    }

    /// <summary>Decodes a frame whose size has been checked; the message's byte fields slice <paramref name="frame"/>.</summary>
    private static bool TryDecodeFrame(ReadOnlyMemory<byte> frame, Header header, [NotNullWhen(true)] out LicensingPdu? result, out DecodeError error)
    {
        result = null;
        if (!TryCheckSize(header, frame.Length, out error))
        {
            return false;
        }

        int bodyOffset = header.HeaderLength + LicensePreamble.Length;
        ReadOnlyMemory<byte> body = frame.Slice(bodyOffset);
        LicensePreamble preamble = header.Preamble;
        SecurityHeader? securityHeader = header.SecurityHeader;
        bool decoded = preamble.MessageType switch
        {
            LicensingMessageType.LicenseRequest => ServerLicenseRequest.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            LicensingMessageType.PlatformChallenge => ServerPlatformChallenge.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            LicensingMessageType.NewLicense or LicensingMessageType.UpgradeLicense => ServerNewLicense.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            LicensingMessageType.LicenseInfo => ClientLicenseInfo.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            LicensingMessageType.NewLicenseRequest => ClientNewLicenseRequest.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            LicensingMessageType.PlatformChallengeResponse => ClientPlatformChallengeResponse.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
            _ => LicenseErrorAlert.TryDecodeBody(preamble, securityHeader, body, bodyOffset, out result, out error),
        };

        if (!decoded || result is null)
        {
            result = null;
            return false;
        }

        result.SetReceivedMessageSize(preamble.MessageSize);
        return true;
    }

    /// <summary>
    /// Reads the optional TS_SECURITY_HEADER and the preamble from the first bytes; NeedMoreData (with a Truncated error)
    /// when they are not all there yet, Invalid as soon as they cannot start a licensing PDU.
    /// </summary>
    private static DecodeStatus TryReadHeader(ReadOnlySpan<byte> head, out Header header, out DecodeError error)
    {
        header = default;
        if (head.IsEmpty)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "bMsgType", 0, "needs 1, 0 remain");
            return DecodeStatus.NeedMoreData;
        }

        int headerLength = 0;
        SecurityHeader? securityHeader = null;
        if (!IsKnownMessageType(head[0]))
        {
            // [MS-RDPBCGR 2.2.8.1.1.2.1]: the flags word is little-endian, so SEC_LICENSE_PKT and SEC_ENCRYPT are in byte 0.
            if ((head[0] & SecurityHeader.SecLicensePkt) == 0)
            {
                error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "bMsgType", 0, $"0x{head[0]:X2} is neither a licensing bMsgType nor a TS_SECURITY_HEADER with SEC_LICENSE_PKT");
                return DecodeStatus.Invalid;
            }

            if ((head[0] & SecurityHeader.SecEncrypt) != 0)
            {
                error = new DecodeError(DecodeErrorKind.Encrypted, "flags", 0, "SEC_ENCRYPT is set");
                return DecodeStatus.Invalid;
            }

            if (head.Length < SecurityHeader.Length)
            {
                // The first field that is cut short, at an offset inside what was received.
                error = head.Length < 2
                    ? new DecodeError(DecodeErrorKind.Truncated, "flags", 0, $"needs 2, {head.Length} remain")
                    : new DecodeError(DecodeErrorKind.Truncated, "flagsHi", 2, $"needs 2, {head.Length - 2} remain");
                return DecodeStatus.NeedMoreData;
            }

            securityHeader = new SecurityHeader(BinaryPrimitives.ReadUInt16LittleEndian(head), BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(2)));
            headerLength = SecurityHeader.Length;
        }

        if (head.Length <= headerLength)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "bMsgType", headerLength, "needs 1, 0 remain");
            return DecodeStatus.NeedMoreData;
        }

        byte type = head[headerLength];
        if (!IsKnownMessageType(type))
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "bMsgType", headerLength, $"0x{type:X2} is not a licensing bMsgType");
            return DecodeStatus.Invalid;
        }

        if (head.Length < headerLength + LicensePreamble.Length)
        {
            // Name the first field that is missing, at an offset inside what was received (flags, then wMsgSize).
            error = head.Length < headerLength + 2
                ? new DecodeError(DecodeErrorKind.Truncated, "flags", headerLength + 1, "needs 1, 0 remain")
                : new DecodeError(DecodeErrorKind.Truncated, "wMsgSize", headerLength + 2, $"needs 2, {head.Length - headerLength - 2} remain");
            return DecodeStatus.NeedMoreData;
        }

        ushort messageSize = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(headerLength + 2));
        WireReader.Trace("wMsgSize", headerLength + 2, sizeof(ushort));
        var preamble = new LicensePreamble((LicensingMessageType)type, head[headerLength + 1], messageSize);
        int minimum = MinimumMessageSize(preamble.MessageType);
        if (messageSize < minimum)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "wMsgSize", headerLength + 2, $"declares {messageSize}, {LicensingSpecNames.MessageType(preamble.MessageType)} needs at least {minimum}");
            return DecodeStatus.Invalid;
        }

        header = new Header(headerLength, securityHeader, preamble);
        error = default;
        return DecodeStatus.Complete;
    }

    private readonly record struct Header(int HeaderLength, SecurityHeader? SecurityHeader, LicensePreamble Preamble);
}
