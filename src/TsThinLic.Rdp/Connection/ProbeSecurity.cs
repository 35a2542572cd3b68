namespace TsThinLic.Rdp.Connection;

/// <summary>Which security the probe asks for.</summary>
public enum ProbeSecurity
{
    /// <summary>
    /// TLS first; Standard RDP Security when the server refuses TLS (SSL_NOT_ALLOWED_BY_SERVER, SSL_CERT_NOT_ON_SERVER);
    /// Network Level Authentication when the server requires it (HYBRID_REQUIRED_BY_SERVER) and credentials were given.
    /// </summary>
    Auto,

    /// <summary>TLS (PROTOCOL_SSL) only.</summary>
    Tls,

    /// <summary>Standard RDP Security (PROTOCOL_RDP) only.</summary>
    Rdp,

    /// <summary>Network Level Authentication: PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX requested, as mstsc asks; credentials required.</summary>
    Nla,
}
