namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12.1.3] ERROR_ALERT: a licensing PDU carrying a LICENSE_ERROR_MESSAGE (dwErrorCode,
/// dwStateTransition, bbErrorInfo). STATUS_VALID_CLIENT with ST_NO_TRANSITION means licensing succeeded.
/// </summary>
public sealed class LicenseErrorAlert : LicensingPdu
{
    public LicenseErrorAlert(LicensePreamble preamble, SecurityHeader? securityHeader, LicensingErrorCode errorCode, LicensingStateTransition stateTransition, LicenseBinaryBlob errorInfo)
        : this(preamble, securityHeader, new LicenseErrorMessage(errorCode, stateTransition, errorInfo))
    {
    }

    public LicenseErrorAlert(LicensePreamble preamble, SecurityHeader? securityHeader, LicenseErrorMessage errorMessage)
        : base(preamble, securityHeader, LicensingMessageType.ErrorAlert)
    {
        ArgumentNullException.ThrowIfNull(errorMessage);
        ErrorMessage = errorMessage;
        EnsureFitsMessageSize();
    }

    /// <summary>The LICENSE_ERROR_MESSAGE.</summary>
    public LicenseErrorMessage ErrorMessage { get; }

    /// <summary>dwErrorCode.</summary>
    public LicensingErrorCode ErrorCode => ErrorMessage.ErrorCode;

    /// <summary>dwStateTransition.</summary>
    public LicensingStateTransition StateTransition => ErrorMessage.StateTransition;

    /// <summary>bbErrorInfo, type as received.</summary>
    public LicenseBinaryBlob ErrorInfo => ErrorMessage.ErrorInfo;

    /// <summary>STATUS_VALID_CLIENT with ST_NO_TRANSITION.</summary>
    public bool IsValidClient => ErrorMessage.IsValidClient;

    internal static int MinimumMessageSize => LicensePreamble.Length + LicenseErrorMessage.MinimumLength;

    private protected override int BodyLength => ErrorMessage.GetEncodedLength();

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!LicenseErrorMessage.TryRead(ref reader, out LicenseErrorMessage? message) || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new LicenseErrorAlert(preamble, securityHeader, message);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer) => ErrorMessage.Write(ref writer);
}
