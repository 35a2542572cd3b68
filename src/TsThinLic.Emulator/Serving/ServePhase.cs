namespace TsThinLic.Emulator.Serving;

/// <summary>[MS-RDPBCGR 1.3.1.1] The phase of the connection sequence a served connection is in, seen from the server.</summary>
public enum ServePhase
{
    /// <summary>Waiting for the X.224 Connection Request.</summary>
    ConnectionInitiation,

    /// <summary>TLS selected: the handshake runs.</summary>
    TlsHandshake,

    /// <summary>Waiting for MCS Connect Initial.</summary>
    BasicSettingsExchange,

    /// <summary>Erect Domain, Attach User, Channel Joins.</summary>
    ChannelConnection,

    /// <summary>Security Exchange and Client Info.</summary>
    SecureSettingsExchange,

    /// <summary>The licensing exchange.</summary>
    Licensing,

    /// <summary>Demand Active sent; waiting for Confirm Active.</summary>
    CapabilitiesExchange,

    /// <summary>Nothing more to do.</summary>
    Finished,
}
