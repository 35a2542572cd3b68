namespace TsThinLic.Rdp.Nla;

/// <summary>Why Network Level Authentication failed, as the person at the device needs to know it.</summary>
public enum NlaFailureReason
{
    /// <summary>Wrong user name or password (the server's errorCode, or it closed after the AUTHENTICATE_MESSAGE).</summary>
    LogonFailure,

    /// <summary>The credentials are right but the account may not log on (disabled, expired, locked, restricted).</summary>
    AccountRestriction,

    /// <summary>The server refused the CredSSP version, the token format (raw NTLM or SPNEGO) or a message of the client.</summary>
    Refused,

    /// <summary>
    /// The server's pubKeyAuth does not match the TLS certificate's key: someone may be intercepting the connection.
    /// No credential was sent.
    /// </summary>
    PublicKeyMismatch,

    /// <summary>The server does not offer the NTLM session security the client requires (128-bit sealing, signing).</summary>
    InsufficientSecurity,

    /// <summary>A server message was malformed.</summary>
    MalformedMessage,

    /// <summary>The server authenticated the user but refused access (HYBRID_EX Early User Authorization Result).</summary>
    AccessDenied,

    /// <summary>The server reported an error of its own (no domain controller, clock skew, …).</summary>
    ServerError,
}
