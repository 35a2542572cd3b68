using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Emulator.Serving;
using TsThinLic.Rdp;

namespace TsThinLic.Tests.Serving;

/// <summary>
/// A real `serve` listener in the test process on 127.0.0.1, on a port of this suite's range
/// (<c>TSTHINLIC_SERVE_TEST_PORT</c>, 46200 by default, and up), with the records of the connections it ended.
/// </summary>
internal sealed class ServeFixture : IAsyncDisposable
{
    private static int s_nextPort = int.TryParse(Environment.GetEnvironmentVariable("TSTHINLIC_SERVE_TEST_PORT"), out int port) ? port : 46200;

    private ServeFixture(LicenseServerListener listener, RdpServerOptions server)
    {
        Listener = listener;
        Server = server;
        listener.ConnectionEnded += record => Records.Add(record);
    }

    public LicenseServerListener Listener { get; }

    public RdpServerOptions Server { get; }

    public ConcurrentBag<ServeConnectionRecord> Records { get; } = [];

    public int Port => Listener.LocalEndPoint.Port;

    public static ServeFixture Start(RdpServerOptions server, LicenseServerListenerOptions? bounds = null, ServeScript? script = null)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int candidate = Interlocked.Increment(ref s_nextPort) - 1;
            var options = new LicenseServerListenerOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, candidate),
                MaxConnections = bounds?.MaxConnections ?? 128,
                ConnectionTimeout = bounds?.ConnectionTimeout ?? TimeSpan.FromSeconds(20),
                IdleTimeout = bounds?.IdleTimeout ?? TimeSpan.FromSeconds(5),
                ConfirmActiveWait = bounds?.ConfirmActiveWait ?? TimeSpan.FromSeconds(1),
                CloseLinger = bounds?.CloseLinger ?? TimeSpan.FromMilliseconds(200),
                MaxFrameLength = bounds?.MaxFrameLength ?? 32 * 1024,
                StatePath = bounds?.StatePath,
            };
            var listener = new LicenseServerListener(options, server, script, SystemRandomSource.Instance, TimeProvider.System);
            try
            {
                listener.Start();
                return new ServeFixture(listener, server);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Taken (another test run beside this one): the next port.
            }
        }

        throw new InvalidOperationException("no free port in the serve tests' range");
    }

    public static RdpServerOptions Options(ServerSecurityMode security = ServerSecurityMode.Negotiate, EncryptionMethods encryption = EncryptionMethods.Bits128, int pool = 10, bool strict = false, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return new RdpServerOptions { Security = security, Encryption = encryption, Strict = strict, Pool = new EmulatedLicensePool(pool, time, SystemRandomSource.Instance), Time = time };
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> connections have ended.</summary>
    public async Task<ServeConnectionRecord[]> WaitForRecordsAsync(int count, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Records.Count < count && clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(20);
        }

        return [.. Records.OrderBy(r => r.Id)];
    }

    public ValueTask DisposeAsync() => Listener.DisposeAsync();
}
