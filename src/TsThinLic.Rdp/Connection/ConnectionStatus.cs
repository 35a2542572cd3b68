namespace TsThinLic.Rdp.Connection;

/// <summary>What <see cref="RdpConnectionSequence"/> needs next from its caller.</summary>
public enum ConnectionStatus
{
    /// <summary>Send what was written, then hand over the next whole TPKT packet.</summary>
    AwaitingPdu,

    /// <summary>Send what was written, run the TLS handshake, then call <see cref="RdpConnectionSequence.TlsEstablished(System.Buffers.IBufferWriter{byte}, ReadOnlyMemory{byte})"/>.</summary>
    StartTls,

    /// <summary>
    /// Licensing completed (valid client, or a CAL issued or upgraded) and, unless the options said not to wait, the
    /// server's verdict came (see <see cref="ConnectionStepResult.Verdict"/>): send what was written, then disconnect.
    /// </summary>
    Completed,

    /// <summary>The attempt failed: send what was written (perhaps an alert), then disconnect.</summary>
    Failed,
}
