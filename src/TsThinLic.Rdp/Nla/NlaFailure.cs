using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Nla;

/// <summary>Why CredSSP failed: the reason, what happened, the server's errorCode if it sent one, and whether credentials went out.</summary>
public sealed class NlaFailure
{
    public NlaFailure(NlaFailureReason reason, string message, int? errorCode = null, bool credentialsSent = false, DecodeError? decodeError = null)
    {
        Reason = reason;
        Message = message;
        ErrorCode = errorCode;
        CredentialsSent = credentialsSent;
        DecodeError = decodeError;
    }

    public NlaFailureReason Reason { get; }

    /// <summary>What happened, for people.</summary>
    public string Message { get; }

    /// <summary>errorCode of the server's TSRequest, when it sent one.</summary>
    public int? ErrorCode { get; }

    /// <summary>The errorCode's name (STATUS_LOGON_FAILURE, …), when there is one.</summary>
    public string? ErrorCodeName => ErrorCode is { } code ? NtStatusCatalog.Name(code) : null;

    /// <summary>Whether the sealed credentials (authInfo) had already left the client.</summary>
    public bool CredentialsSent { get; }

    /// <summary>The decode error, for a malformed message.</summary>
    public DecodeError? DecodeError { get; }

    public override string ToString() => $"{Reason}: {Message}";
}
