using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace TsThinLic.Benchmarks;

/// <summary>
/// A TCP proxy on 127.0.0.1 that holds every chunk it forwards for a fixed delay in each direction, keeping order, so a
/// loopback connection behaves like one with a round-trip time of twice the delay; it also records what the client sent.
/// The benchmark counts a client's round trips through it (wire time / RTT); the tests use it, without delay, to see the
/// bytes that left the client.
/// </summary>
internal sealed class DelayingTcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TimeSpan _delay;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private Task? _accepting;

    public DelayingTcpProxy(IPEndPoint target, TimeSpan delayEachWay, int port = 0)
    {
        _target = target;
        _delay = delayEachWay;
        _listener = new TcpListener(IPAddress.Loopback, port);
    }

    /// <summary>The port the proxy listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Per accepted connection, everything the client sent, in order.</summary>
    public List<List<byte>> ClientBytes { get; } = [];

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var recorded = new List<byte>();
            lock (_lock)
            {
                ClientBytes.Add(recorded);
                _connections.Add(RelayAsync(client, recorded));
            }
        }
    }

    private async Task RelayAsync(Socket client, List<byte> recorded)
    {
        using (client)
        using (var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                return;
            }

            Task up = PumpAsync(client, server, recorded);
            Task down = PumpAsync(server, client, null);
            await Task.WhenAny(Task.WhenAll(up, down), Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
        }
    }

    // Reads as it comes; each chunk is written out once its delay has passed, in order; the end of input is passed on
    // after the same delay, as a shutdown.
    private async Task PumpAsync(Socket from, Socket to, List<byte>? recorded)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[]? Data)>();
        Task writer = Task.Run(async () =>
        {
            await foreach ((long due, byte[]? data) in queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                TimeSpan wait = TimeSpan.FromTicks(due - DateTime.UtcNow.Ticks);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }

                try
                {
                    if (data is null)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await to.SendAsync(data).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });

        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                long due = DateTime.UtcNow.Ticks + _delay.Ticks;
                if (read == 0)
                {
                    queue.Writer.TryWrite((due, null));
                    break;
                }

                byte[] data = buffer.AsSpan(0, read).ToArray();
                if (recorded is not null)
                {
                    lock (recorded)
                    {
                        recorded.AddRange(data);
                    }
                }

                queue.Writer.TryWrite((due, data));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            queue.Writer.TryWrite((DateTime.UtcNow.Ticks, null));
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(false);
        }

        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
