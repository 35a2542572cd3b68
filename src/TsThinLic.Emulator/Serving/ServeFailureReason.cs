namespace TsThinLic.Emulator.Serving;

/// <summary>Why a served connection ended before its sequence did (protocol reasons and I/O faults, as the log names them).</summary>
public enum ServeFailureReason
{
    /// <summary>A PDU does not decode: the detail names the field and offset.</summary>
    MalformedPdu,

    /// <summary>A PDU that does not belong in the phase.</summary>
    UnexpectedPdu,

    /// <summary>The client asked for no security protocol the server accepts (RDP_NEG_FAILURE sent).</summary>
    NegotiationRefused,

    /// <summary>The client does not offer the Standard RDP Security method the server requires.</summary>
    EncryptionNotOffered,

    /// <summary>The Security Exchange did not decrypt, or an encrypted PDU failed its MAC.</summary>
    SecurityFailed,

    /// <summary>The TLS handshake or record layer failed.</summary>
    TlsFailed,

    /// <summary>The client sent MCS Disconnect Provider Ultimatum.</summary>
    ClientDisconnected,

    /// <summary>The client closed the TCP connection.</summary>
    ConnectionClosed,

    /// <summary>The client was silent or slow past the server's bound.</summary>
    Timeout,

    /// <summary>More PDUs or bytes than any real exchange needs.</summary>
    LimitExceeded,

    /// <summary>The server is stopping.</summary>
    ServerStopping,
}
