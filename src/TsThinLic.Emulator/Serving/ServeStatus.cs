namespace TsThinLic.Emulator.Serving;

/// <summary>What <see cref="RdpServerConnection"/> needs from its driver after a step.</summary>
public enum ServeStatus
{
    /// <summary>Send the output, then read the next PDU.</summary>
    AwaitingPdu,

    /// <summary>Send the output (the X.224 Connection Confirm) in the clear, then run the TLS handshake.</summary>
    StartTls,

    /// <summary>The sequence is over: send the output, then close the connection.</summary>
    Close,

    /// <summary>The connection failed (see <see cref="ServeConnectionRecord.Failure"/>): send what output there is, then close.</summary>
    Failed,
}
