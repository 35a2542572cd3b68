namespace TsThinLic.Rdp.Tls;

/// <summary>
/// The handshake side of one TLS endpoint as its <see cref="TlsRecordLayer"/> sees it: where the handshake stands and
/// what to do with each handshake message and ChangeCipherSpec the peer sends.
/// </summary>
internal interface ITlsHandshake
{
    /// <summary>"client" or "server": this side, as failure messages name it.</summary>
    string Self { get; }

    /// <summary>What this side waits for, as in "the client waited for ServerHello".</summary>
    string Waiting { get; }

    /// <summary>Nothing has been received yet: a first record that is not TLS means the peer does not speak TLS.</summary>
    bool NothingReceived { get; }

    /// <summary>How failure messages name the peer's first bytes ("answer", "first bytes").</summary>
    string FirstMessageNoun { get; }

    /// <summary>The record version of alerts: the negotiated one once known.</summary>
    int RecordVersion { get; }

    /// <summary>The peer's Finished verified: application data may flow.</summary>
    bool IsComplete { get; }

    /// <summary>Whether a ChangeCipherSpec from the peer is expected now.</summary>
    bool ExpectsChangeCipherSpec { get; }

    /// <summary>The peer's ChangeCipherSpec switched the read side.</summary>
    void OnChangeCipherSpec();

    /// <summary>One whole handshake message (header included).</summary>
    void OnHandshakeMessage(byte type, byte[] message);
}
