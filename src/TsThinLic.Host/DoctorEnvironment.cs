namespace TsThinLic.Host;

/// <summary>What <c>tsthinlic doctor</c> takes from the world, injectable so that tests are deterministic: the clock, the TCP connector and the file inspector.</summary>
internal sealed class DoctorEnvironment
{
    /// <summary>The real clock, sockets and file system.</summary>
    public static DoctorEnvironment System { get; } = new();

    /// <summary>Dates CAL ages and expiry, and times the TCP connect.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IServerConnector Connector { get; init; } = TcpServerConnector.Instance;

    public IStoreFileInspector Files { get; init; } = PosixStoreFileInspector.Instance;

    /// <summary>How long the TCP connect may take before the server counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
