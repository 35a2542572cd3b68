namespace TsThinLic.Host;

/// <summary>What <c>tsthinlic doctor</c> (and the views: clock, terminal) takes from the world, injectable so that tests are deterministic: the clock, the TCP connector and the file inspector.</summary>
internal sealed class DoctorEnvironment
{
    /// <summary>The real clock, sockets and file system.</summary>
    public static DoctorEnvironment System { get; } = new();

    /// <summary>Dates CAL ages and expiry, and times the TCP connect.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IServerConnector Connector { get; init; } = TcpServerConnector.Instance;

    public IStoreFileInspector Files { get; init; } = PosixStoreFileInspector.Instance;

    /// <summary>
    /// How the text views dress their output; null detects it from the process (a terminal, NO_COLOR, the locale).
    /// Tests give it, so TTY and non-TTY output are both checked.
    /// </summary>
    public TerminalStyle? Terminal { get; init; }

    /// <summary>The device's name in <c>doctor --json</c> (for <c>tsthinlic fleet</c>).</summary>
    public string DeviceName { get; init; } = Environment.MachineName;

    /// <summary>How long the TCP connect may take before the server counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
