namespace TsThinLic.Rdp.Connection;

/// <summary>[MS-RDPBCGR 1.3.1.1] The phases of the connection sequence up to licensing, in order.</summary>
public enum ConnectionPhase
{
    /// <summary>TCP connect (the driver's phase; the sequence starts after it).</summary>
    TcpConnect,

    /// <summary>Connection Initiation: X.224 Connection Request / Confirm with RDP_NEG_REQ.</summary>
    ConnectionInitiation,

    /// <summary>The TLS handshake of Enhanced RDP Security (PROTOCOL_SSL, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX).</summary>
    TlsHandshake,

    /// <summary>Network Level Authentication: CredSSP over TLS ([MS-RDPBCGR 5.4.5.2]), and HYBRID_EX's Early User Authorization Result.</summary>
    NetworkLevelAuthentication,

    /// <summary>Basic Settings Exchange: MCS Connect Initial / Response with GCC Conference Create.</summary>
    BasicSettingsExchange,

    /// <summary>Channel Connection: Erect Domain, Attach User, Channel Joins.</summary>
    ChannelConnection,

    /// <summary>Security Commencement (Standard RDP Security) and Secure Settings Exchange (Client Info PDU).</summary>
    SecureSettingsExchange,

    /// <summary>Licensing, until the licensing outcome.</summary>
    Licensing,

    /// <summary>After licensing, until the server's verdict: the Demand Active PDU that opens the Capabilities Exchange, or a Set Error Info / Disconnect Provider Ultimatum instead.</summary>
    CapabilitiesExchange,

    /// <summary>Licensing ended (either way); the connection is being closed.</summary>
    Finished,
}
