using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The NLA server started by <c>.ci/nla.sh</c> (freerdp-shadow-cli with /sec:nla): reads the env file named by
/// TSTHINLIC_NLA_SERVER. When it is missing the integration tests fail with this message, unless
/// TSTHINLIC_INTEGRATION=off says integration tests are off on purpose (never in CI).
/// </summary>
internal static class NlaServer
{
    public const string Variable = "TSTHINLIC_NLA_SERVER";

    /// <summary>The server's port and account, or null when integration tests are switched off.</summary>
    public static (int Port, string User, string Domain, string Password)? Get()
    {
        if (XrdpServers.IntegrationOff)
        {
            return null;
        }

        string? path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            Assert.Fail($"the NLA integration server is not running: set {Variable} to the env file written by `.ci/nla.sh start DIR` (DIR/nla-server.env), or {XrdpServers.SwitchVariable}=off to switch the integration tests off.");
        }

        Dictionary<string, string> values = File.ReadAllLines(path)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return (int.Parse(values["port"], System.Globalization.CultureInfo.InvariantCulture), values["user"], values["domain"], values["password"]);
    }
}
