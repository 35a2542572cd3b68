using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The xrdp servers started by <c>.ci/xrdp.sh</c>: reads the ports file named by TSTHINLIC_XRDP_PORTS. When the
/// servers are not there the integration tests fail with this message, unless TSTHINLIC_INTEGRATION=off says that
/// integration tests are off on purpose (never in CI: <c>.ci/run</c> always starts the servers).
/// </summary>
internal static class XrdpServers
{
    public const string PortsVariable = "TSTHINLIC_XRDP_PORTS";
    public const string SwitchVariable = "TSTHINLIC_INTEGRATION";

    public static readonly string[] Modes = ["tls", "rdp-none", "rdp-low", "rdp-high", "rdp-fips"];

    public static bool IntegrationOff => string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The port of <paramref name="mode"/>, or null when integration tests are switched off; fails the test when the servers are missing.</summary>
    public static int? Port(string mode)
    {
        if (IntegrationOff)
        {
            return null;
        }

        string? path = Environment.GetEnvironmentVariable(PortsVariable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            Assert.Fail($"xrdp integration servers are not running: set {PortsVariable} to the ports file written by `.ci/xrdp.sh start DIR` (DIR/xrdp-ports.env), or {SwitchVariable}=off to switch the integration tests off.");
        }

        foreach (string line in File.ReadAllLines(path))
        {
            string[] parts = line.Split('=', 2);
            if (parts.Length == 2 && parts[0] == mode && int.TryParse(parts[1], out int port))
            {
                return port;
            }
        }

        Assert.Fail($"{path} names no port for mode '{mode}'");
        return null;
    }
}
