namespace TsThinLic.Host;

/// <summary>How doctor opens a TCP connection to the RD server, behind a seam so that tests choose the outcome and the time.</summary>
internal interface IServerConnector
{
    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> and closes the connection again. Throws
    /// <see cref="System.Net.Sockets.SocketException"/> when the connection is refused, the host is unreachable or
    /// its name does not resolve, and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    Task ConnectAsync(string host, int port, CancellationToken cancellationToken);
}
