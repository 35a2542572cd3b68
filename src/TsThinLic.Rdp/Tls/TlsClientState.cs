namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 7.3] Where a TLS 1.2 client without resumption is in the full handshake: what it waits for next.
/// </summary>
internal enum TlsClientState
{
    /// <summary>Start has not been called.</summary>
    Initial,

    /// <summary>ClientHello sent.</summary>
    AwaitServerHello,

    AwaitCertificate,

    /// <summary>ECDHE_RSA suites only.</summary>
    AwaitServerKeyExchange,

    /// <summary>A CertificateRequest may come first.</summary>
    AwaitServerHelloDone,

    /// <summary>The client's Certificate (if asked), ClientKeyExchange, ChangeCipherSpec and Finished are sent.</summary>
    AwaitChangeCipherSpec,

    AwaitFinished,

    /// <summary>The server's Finished verified: application data flows.</summary>
    Complete,

    /// <summary>The server sent close_notify after the handshake: nothing more is read.</summary>
    Closed,

    /// <summary>A fatal alert was sent or received, or the input was not TLS.</summary>
    Failed,
}
