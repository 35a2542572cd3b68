using System.Net.Sockets;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>
/// Check 1, <see cref="DoctorCheckIds.ServerReachable"/>: can this device open TCP to the RD server at all? The first
/// step of techgenix part 4's client checklist ("telnet a.b.c.d 3389"): without a TCP connection there is no logon
/// screen and no licensing exchange, so the fault is not licensing. Timed with the injected clock.
/// </summary>
internal static class ServerReachabilityCheck
{
    private const string Fix = "check the server's address and port (RDP listens on 3389 unless changed), that its Remote Desktop service is listening, and every firewall between; the article's manual test is telnet HOST 3389. Licensing cannot start before TCP connects, so this is not a licensing fault";

    public static async Task<DoctorCheck> RunAsync(string host, int port, DoctorEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string target = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        using var timeout = new CancellationTokenSource(environment.ConnectTimeout, environment.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        long start = environment.Time.GetTimestamp();
        string failure;
        try
        {
            await environment.Connector.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
            long elapsed = Milliseconds(environment, start);
            return DoctorCheck.Ok(DoctorCheckIds.ServerReachable, $"TCP connection to {target} opened in {elapsed} ms") with { ElapsedMilliseconds = elapsed };
        }
        catch (SocketException exception)
        {
            failure = exception.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "refused the connection: nothing listens on that port (or a firewall rejects it)",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "does not resolve: the name is wrong or DNS is unreachable",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "is unreachable: no route to it",
                SocketError.TimedOut => "did not answer (timed out)",
                _ => $"could not be reached ({exception.SocketErrorCode}: {exception.Message})",
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = $"did not answer within {environment.ConnectTimeout.TotalSeconds:0.#} s (a firewall dropping packets, or the host is down)";
        }

        long spent = Milliseconds(environment, start);
        return new DoctorCheck(DoctorCheckIds.ServerReachable, DoctorVerdict.Problem, $"{target} {failure}; gave up after {spent} ms", Fix, [], false) { ElapsedMilliseconds = spent };
    }

    private static long Milliseconds(DoctorEnvironment environment, long start) => (long)environment.Time.GetElapsedTime(start).TotalMilliseconds;
}
