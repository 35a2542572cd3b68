using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12.1.3] Licensing Error Message (LICENSE_ERROR_MESSAGE): dwErrorCode, dwStateTransition,
/// bbErrorInfo. bbErrorInfo's type is kept as received: xrdp 0.9 sends 0x1428 with wBlobLen 0.
/// </summary>
public sealed class LicenseErrorMessage
{
    public const int MinimumLength = 4 /* dwErrorCode */ + 4 /* dwStateTransition */ + LicenseBinaryBlob.HeaderLength;

    public LicenseErrorMessage(LicensingErrorCode errorCode, LicensingStateTransition stateTransition, LicenseBinaryBlob errorInfo)
    {
        ErrorCode = errorCode;
        StateTransition = stateTransition;
        ErrorInfo = errorInfo;
    }

    /// <summary>dwErrorCode.</summary>
    public LicensingErrorCode ErrorCode { get; }

    /// <summary>dwStateTransition.</summary>
    public LicensingStateTransition StateTransition { get; }

    /// <summary>bbErrorInfo.</summary>
    public LicenseBinaryBlob ErrorInfo { get; }

    /// <summary>STATUS_VALID_CLIENT with ST_NO_TRANSITION: licensing is done and no license was issued.</summary>
    public bool IsValidClient => ErrorCode == LicensingErrorCode.ValidClient && StateTransition == LicensingStateTransition.NoTransition;

    public int GetEncodedLength() => 4 /* dwErrorCode */ + 4 /* dwStateTransition */ + ErrorInfo.EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < GetEncodedLength())
        {
            bytesWritten = 0;
            return false;
        }

        var writer = new WireWriter(destination);
        Write(ref writer);
        bytesWritten = writer.Position;
        return true;
    }

    /// <summary>Decodes exactly one LICENSE_ERROR_MESSAGE (without preamble).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out LicenseErrorMessage? message, out DecodeError error)
    {
        message = null;
        if (data.Length > LicensingLimits.MaxPduLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "wMsgSize", 0, $"{data.Length} bytes, maximum {LicensingLimits.MaxPduLength}");
            return false;
        }

        var reader = new WireReader(data.ToArray(), 0);
        if (!TryRead(ref reader, out message) || !reader.TryExpectEnd("wMsgSize"))
        {
            message = null;
            error = reader.Error;
            return false;
        }

        error = default;
        return true;
    }

    public override string ToString()
        => $"{LicensingSpecNames.ErrorCode(ErrorCode)} / {LicensingSpecNames.StateTransition(StateTransition)} / {ErrorInfo}";

    internal static bool TryRead(ref WireReader reader, [NotNullWhen(true)] out LicenseErrorMessage? message)
    {
        message = null;
        if (!reader.TryReadUInt32("dwErrorCode", out uint code)
            || !reader.TryReadUInt32("dwStateTransition", out uint transition)
            || !reader.TryReadBlob("bbErrorInfo", out LicenseBinaryBlob errorInfo))
        {
            return false;
        }

        message = new LicenseErrorMessage((LicensingErrorCode)code, (LicensingStateTransition)transition, errorInfo);
        return true;
    }

    internal void Write(ref WireWriter writer)
    {
        writer.WriteUInt32((uint)ErrorCode);
        writer.WriteUInt32((uint)StateTransition);
        writer.WriteBlob(ErrorInfo);
    }
}
