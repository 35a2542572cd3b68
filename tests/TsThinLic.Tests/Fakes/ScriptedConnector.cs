using TsThinLic.Host;

namespace TsThinLic.Tests.Fakes;

/// <summary>A TCP connector whose outcome and duration the test decides: it runs the script instead of connecting.</summary>
internal sealed class ScriptedConnector(Func<string, int, CancellationToken, Task> script) : IServerConnector
{
    public List<(string Host, int Port)> Calls { get; } = [];

    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        Calls.Add((host, port));
        return script(host, port, cancellationToken);
    }
}
