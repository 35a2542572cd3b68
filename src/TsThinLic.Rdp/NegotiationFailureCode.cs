namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.2.2] failureCode of RDP_NEG_FAILURE.</summary>
public enum NegotiationFailureCode : uint
{
    /// <summary>SSL_REQUIRED_BY_SERVER: the server requires TLS.</summary>
    SslRequiredByServer = 0x00000001,

    /// <summary>SSL_NOT_ALLOWED_BY_SERVER: the server only does Standard RDP Security.</summary>
    SslNotAllowedByServer = 0x00000002,

    /// <summary>SSL_CERT_NOT_ON_SERVER: the server has no certificate for TLS.</summary>
    SslCertNotOnServer = 0x00000003,

    /// <summary>INCONSISTENT_FLAGS: the requested protocols are inconsistent.</summary>
    InconsistentFlags = 0x00000004,

    /// <summary>HYBRID_REQUIRED_BY_SERVER: the server requires CredSSP (Network Level Authentication).</summary>
    HybridRequiredByServer = 0x00000005,

    /// <summary>SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: the server requires TLS with user authentication.</summary>
    SslWithUserAuthRequiredByServer = 0x00000006,
}
