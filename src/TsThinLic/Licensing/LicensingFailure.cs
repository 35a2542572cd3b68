using TsThinLic.Pdu;

namespace TsThinLic.Licensing;

/// <summary>Why an exchange failed, what the server said, and which alert (if any) the client sent about it.</summary>
public sealed class LicensingFailure
{
    internal LicensingFailure(
        LicensingFailureReason reason,
        string message,
        DecodeError? decodeError = null,
        LicensingErrorCode? serverErrorCode = null,
        LicensingStateTransition? serverStateTransition = null,
        LicensingErrorCode? alertSent = null)
    {
        Reason = reason;
        Message = message;
        DecodeError = decodeError;
        ServerErrorCode = serverErrorCode;
        ServerStateTransition = serverStateTransition;
        AlertSent = alertSent;
    }

    public LicensingFailureReason Reason { get; }

    /// <summary>A sentence for people: what went wrong, in the protocol's words.</summary>
    public string Message { get; }

    /// <summary>The field and offset of a malformed PDU.</summary>
    public DecodeError? DecodeError { get; }

    /// <summary>dwErrorCode of the server's error alert, when the server ended the exchange.</summary>
    public LicensingErrorCode? ServerErrorCode { get; }

    /// <summary>dwStateTransition of the server's error alert.</summary>
    public LicensingStateTransition? ServerStateTransition { get; }

    /// <summary>The error alert the client sent (always with ST_TOTAL_ABORT), if it sent one.</summary>
    public LicensingErrorCode? AlertSent { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Reason}: {Message}";
}
