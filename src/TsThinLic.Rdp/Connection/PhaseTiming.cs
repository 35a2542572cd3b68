namespace TsThinLic.Rdp.Connection;

/// <summary>How long one phase of the connection took.</summary>
public readonly record struct PhaseTiming(ConnectionPhase Phase, TimeSpan Duration)
{
    /// <summary>The phase's name in reports: tcp-connect, connection-initiation, tls-handshake, basic-settings-exchange, channel-connection, secure-settings-exchange, licensing.</summary>
    public string Name => Phase switch
    {
        ConnectionPhase.TcpConnect => "tcp-connect",
        ConnectionPhase.ConnectionInitiation => "connection-initiation",
        ConnectionPhase.TlsHandshake => "tls-handshake",
        ConnectionPhase.BasicSettingsExchange => "basic-settings-exchange",
        ConnectionPhase.ChannelConnection => "channel-connection",
        ConnectionPhase.SecureSettingsExchange => "secure-settings-exchange",
        ConnectionPhase.Licensing => "licensing",
        _ => "finished",
    };
}
