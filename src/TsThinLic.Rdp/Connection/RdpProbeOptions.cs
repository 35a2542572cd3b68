using TsThinLic.Rdp.Tls;
using TsThinLic.Transport;

namespace TsThinLic.Rdp.Connection;

/// <summary>What <see cref="RdpProbe"/> connects with.</summary>
public sealed class RdpProbeOptions
{
    /// <summary>The RDP port when none is given.</summary>
    public const int DefaultPort = 3389;

    /// <summary>Which security to ask for.</summary>
    public ProbeSecurity Security { get; init; } = ProbeSecurity.Auto;

    /// <summary>UserName sent in the Client Info PDU, the X.224 cookie and the licensing ClientUserName.</summary>
    public string UserName { get; init; } = "user";

    /// <summary>Domain sent in the Client Info PDU.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>ClientMachineName (licensing) and clientName (core data).</summary>
    public string MachineName { get; init; } = "thinclient";

    /// <summary>PlatformId of a HWID created when the store has none.</summary>
    public uint PlatformId { get; init; } = PipeLicensingDriverOptions.DefaultPlatformId;

    /// <summary>The whole attempt, TCP connect through the licensing verdict, must end within this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the TLS session's secrets go (<c>--keylog</c>, <c>SSLKEYLOGFILE</c>); null: nowhere.</summary>
    public ITlsKeyLog? KeyLog { get; init; }
}
