namespace TsThinLic.Rdp.Connection;

/// <summary>[MS-RDPBCGR 1.3.1.1] The phases of the connection sequence up to licensing, in order.</summary>
public enum ConnectionPhase
{
    /// <summary>TCP connect (the driver's phase; the sequence starts after it).</summary>
    TcpConnect,

    /// <summary>Connection Initiation: X.224 Connection Request / Confirm with RDP_NEG_REQ.</summary>
    ConnectionInitiation,

    /// <summary>The TLS handshake of Enhanced RDP Security (PROTOCOL_SSL only).</summary>
    TlsHandshake,

    /// <summary>Basic Settings Exchange: MCS Connect Initial / Response with GCC Conference Create.</summary>
    BasicSettingsExchange,

    /// <summary>Channel Connection: Erect Domain, Attach User, Channel Joins.</summary>
    ChannelConnection,

    /// <summary>Security Commencement (Standard RDP Security) and Secure Settings Exchange (Client Info PDU).</summary>
    SecureSettingsExchange,

    /// <summary>Licensing, until the server's verdict.</summary>
    Licensing,

    /// <summary>Licensing ended (either way); the connection is being closed.</summary>
    Finished,
}
