namespace TsThinLic.Rdp.Connection;

/// <summary>Why a connection attempt ended before a licensing verdict, or with a failed one.</summary>
public enum ConnectionFailureReason
{
    /// <summary>The TCP connection could not be made (refused, unreachable, name not resolved).</summary>
    ConnectFailed,

    /// <summary>The server refused the requested security protocol (RDP_NEG_FAILURE).</summary>
    NegotiationFailed,

    /// <summary>The server selected a protocol this client does not implement or did not ask for (RDSTLS, RDSAAD, …).</summary>
    ProtocolNotSupported,

    /// <summary>The TLS handshake failed.</summary>
    TlsFailed,

    /// <summary>The TLS certificate is not the one expected (--expect-certificate): the probe stopped before anything else was sent.</summary>
    CertificateMismatch,

    /// <summary>The server requires Network Level Authentication and no credentials were given.</summary>
    CredentialsRequired,

    /// <summary>Network Level Authentication (CredSSP) failed: see the NLA failure.</summary>
    AuthenticationFailed,

    /// <summary>A server PDU could not be decoded, or the server is not an RDP server.</summary>
    MalformedPdu,

    /// <summary>A server PDU was valid but not the one the sequence expects at this point.</summary>
    UnexpectedPdu,

    /// <summary>MCS Connect Response, Attach User Confirm or Channel Join Confirm reported a failure.</summary>
    McsRefused,

    /// <summary>The server's Standard RDP Security data is unusable (no or bad certificate, unknown method).</summary>
    SecurityFailed,

    /// <summary>The server sent Disconnect Provider Ultimatum.</summary>
    ServerDisconnected,

    /// <summary>The server closed the TCP connection.</summary>
    ConnectionClosed,

    /// <summary>No answer within the timeout.</summary>
    Timeout,

    /// <summary>The licensing exchange failed (the licensing failure says how).</summary>
    LicensingFailed,

    /// <summary>The store refused the licensing result.</summary>
    StoreFailed,
}
