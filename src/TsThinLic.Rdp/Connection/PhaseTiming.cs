namespace TsThinLic.Rdp.Connection;

/// <summary>How long one phase of the connection took.</summary>
public readonly record struct PhaseTiming(ConnectionPhase Phase, TimeSpan Duration)
{
    /// <summary>The phase's name in reports: tcp-connect, connection-initiation, tls-handshake, network-level-authentication, basic-settings-exchange, channel-connection, secure-settings-exchange, licensing, capabilities-exchange.</summary>
    public string Name => Phase switch
    {
        ConnectionPhase.TcpConnect => "tcp-connect",
        ConnectionPhase.ConnectionInitiation => "connection-initiation",
        ConnectionPhase.TlsHandshake => "tls-handshake",
        ConnectionPhase.NetworkLevelAuthentication => "network-level-authentication",
        ConnectionPhase.BasicSettingsExchange => "basic-settings-exchange",
        ConnectionPhase.ChannelConnection => "channel-connection",
        ConnectionPhase.SecureSettingsExchange => "secure-settings-exchange",
        ConnectionPhase.Licensing => "licensing",
        ConnectionPhase.CapabilitiesExchange => "capabilities-exchange",
        _ => "finished",
    };
}
