namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 7.3] Where a TLS 1.2 server without resumption is in the full handshake: what it waits for next.</summary>
internal enum TlsServerState
{
    AwaitClientHello,
    /// <summary>ServerHello, Certificate, ServerKeyExchange (ECDHE_RSA) and ServerHelloDone are sent.</summary>
    AwaitClientKeyExchange,
    AwaitChangeCipherSpec,
    AwaitFinished,
    /// <summary>The client's Finished verified and the server's sent: application data flows.</summary>
    Complete,
    /// <summary>A fatal alert was sent or received, or the input was not TLS.</summary>
    Failed,
}
