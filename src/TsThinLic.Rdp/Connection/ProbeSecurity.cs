namespace TsThinLic.Rdp.Connection;

/// <summary>Which security the probe asks for.</summary>
public enum ProbeSecurity
{
    /// <summary>TLS first; Standard RDP Security when the server refuses TLS (SSL_NOT_ALLOWED_BY_SERVER, SSL_CERT_NOT_ON_SERVER).</summary>
    Auto,

    /// <summary>TLS (PROTOCOL_SSL) only.</summary>
    Tls,

    /// <summary>Standard RDP Security (PROTOCOL_RDP) only.</summary>
    Rdp,
}
