using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TsThinLic.Rdp;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The probe against loopback listeners that misbehave: each gives a clear verdict and exit code within the
/// timeout, never a hang.
/// </summary>
public sealed class ProbeFailureTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(10);

    /// <summary>A loopback listener that runs <paramref name="serve"/> on its first connection.</summary>
    private static (int Port, Task Served, TcpListener Listener) Listen(Func<Socket, Task> serve)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task served = Task.Run(async () =>
        {
            using Socket socket = await listener.AcceptSocketAsync();
            await serve(socket);
        });
        return (port, served, listener);
    }

    private static async Task<(int ExitCode, JsonElement Json, TimeSpan Elapsed)> ProbeAsync(int port, params string[] extra)
    {
        var stopwatch = Stopwatch.StartNew();
        string[] timeout = extra.Contains("--timeout") ? [] : ["--timeout", "2"];
        (int exit, string output, string error) = await HostRunner.RunAsync(["probe", $"127.0.0.1:{port}", "--json", .. timeout, .. extra]);
        stopwatch.Stop();
        Assert.True(output.Length > 0, error);
        return (exit, JsonDocument.Parse(output).RootElement.Clone(), stopwatch.Elapsed);
    }

    [Fact]
    public async Task ClosedPortCannotRun()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        (int exit, JsonElement json, TimeSpan elapsed) = await ProbeAsync(port);
        Assert.Equal(2, exit);
        Assert.Equal("failed", json.GetProperty("outcome").GetString());
        Assert.Equal("ConnectFailed", json.GetProperty("failureReason").GetString());
        Assert.Contains("ConnectionRefused", json.GetProperty("error").GetString());
        Assert.Equal("tcp-connect", json.GetProperty("phases")[0].GetProperty("name").GetString());
        Assert.True(elapsed < s_bound);
    }

    [Fact]
    public async Task ServerThatDropsMidHandshakeIsConnectionClosed()
    {
        (int port, Task served, TcpListener listener) = Listen(async socket =>
        {
            byte[] buffer = new byte[64];
            await socket.ReceiveAsync(buffer);
            // Half a Connection Confirm, then the connection goes away.
            await socket.SendAsync(new byte[] { 0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0 });
            socket.Shutdown(SocketShutdown.Both);
        });
        using (listener)
        {
            (int exit, JsonElement json, TimeSpan elapsed) = await ProbeAsync(port, "--security", "rdp");
            await served.WaitAsync(s_bound);
            Assert.Equal(1, exit);
            Assert.Equal("ConnectionClosed", json.GetProperty("failureReason").GetString());
            Assert.Equal("connection-initiation", json.GetProperty("failurePhase").GetString());
            Assert.Contains("middle of a PDU", json.GetProperty("error").GetString());
            Assert.True(elapsed < s_bound);
        }
    }

    [Fact]
    public async Task NonRdpListenerIsNotRdp()
    {
        (int port, Task served, TcpListener listener) = Listen(async socket =>
        {
            await socket.SendAsync("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"u8.ToArray());
            byte[] buffer = new byte[64];
            await socket.ReceiveAsync(buffer);
        });
        using (listener)
        {
            (int exit, JsonElement json, TimeSpan elapsed) = await ProbeAsync(port);
            Assert.Equal(1, exit);
            Assert.Equal("MalformedPdu", json.GetProperty("failureReason").GetString());
            Assert.Contains("not RDP", json.GetProperty("error").GetString());
            Assert.Contains("not an RDP server", json.GetProperty("meaning").GetString());
            Assert.True(elapsed < s_bound);
        }
    }

    [Fact]
    public async Task SilentServerTimesOutWithinTheTimeout()
    {
        var release = new TaskCompletionSource();
        (int port, Task served, TcpListener listener) = Listen(async socket =>
        {
            await release.Task.WaitAsync(s_bound);
        });
        using (listener)
        {
            // 2 s, not less: on a loaded machine the TCP connect alone can take a good part of a second, and the
            // timeout must fall in the phase after it.
            (int exit, JsonElement json, TimeSpan elapsed) = await ProbeAsync(port, "--timeout", "2");
            release.SetResult();
            Assert.Equal(1, exit);
            Assert.Equal("Timeout", json.GetProperty("failureReason").GetString());
            Assert.Equal("connection-initiation", json.GetProperty("failurePhase").GetString());
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        }
    }

    [Fact]
    public async Task NegotiationFailureIsReportedByName()
    {
        (int port, Task served, TcpListener listener) = Listen(async socket =>
        {
            byte[] buffer = new byte[64];
            await socket.ReceiveAsync(buffer);
            await socket.SendAsync(new X224ConnectionConfirm(null, 0, NegotiationFailureCode.HybridRequiredByServer).ToArray());
            await socket.ReceiveAsync(buffer);
        });
        using (listener)
        {
            (int exit, JsonElement json, _) = await ProbeAsync(port);
            Assert.Equal(1, exit);
            Assert.Equal("HYBRID_REQUIRED_BY_SERVER", json.GetProperty("negotiationFailure").GetString());
            Assert.Contains("Network Level Authentication", json.GetProperty("meaning").GetString());
        }
    }
}
