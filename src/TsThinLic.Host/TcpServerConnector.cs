using System.Net.Sockets;

namespace TsThinLic.Host;

/// <summary>The real connector: a TCP handshake and nothing more, like the article's <c>telnet HOST 3389</c>.</summary>
internal sealed class TcpServerConnector : IServerConnector
{
    public static TcpServerConnector Instance { get; } = new();

    public async Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
    }
}
