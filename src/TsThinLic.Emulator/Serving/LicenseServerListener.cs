using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// The I/O driver of `serve`: a TCP listener that runs one <see cref="RdpServerConnection"/> per accepted client, with
/// TLS through <see cref="TlsServerSession"/>. Everything is bounded: concurrent connections (more wait in the backlog),
/// each connection's lifetime and idle time, the size of a frame before it arrives, the bytes buffered. A hostile or
/// broken client ends its own connection, never the listener. After each connection its record goes to
/// <see cref="ConnectionEnded"/> and, when the pool's books changed, the books are saved to the state file.
/// </summary>
public sealed class LicenseServerListener : IAsyncDisposable
{
    private const int ReadBufferLength = 16 * 1024;

    private readonly LicenseServerListenerOptions _options;
    private readonly RdpServerOptions _server;
    private readonly ServeScript? _script;
    private readonly IRandomSource _random;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TlsServerCredentials _tls;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly Lock _stateLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private long _accepted;
    private long _completed;
    private long _failed;
    private long _savedChanges = -1;

    /// <param name="options">Endpoint, bounds, TLS credentials, state file.</param>
    /// <param name="server">What each connection serves (security, encryption, pool, movable clock).</param>
    /// <param name="script">The per-connection plans of `--script`, or null.</param>
    /// <param name="random">Randomness for every connection (server randoms, TLS, the license server).</param>
    /// <param name="time">The real clock of timeouts and durations (not the movable one).</param>
    /// <param name="logger">Where events 900-905 go.</param>
    public LicenseServerListener(LicenseServerListenerOptions options, RdpServerOptions server, ServeScript? script, IRandomSource random, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1);
        _options = options;
        _server = server;
        _script = script;
        _random = random;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _tls = options.TlsCredentials ?? ServeTlsCredentials.Default;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>Raised once per connection, after it closed, with everything it did (from the connection's own task).</summary>
    public event Action<ServeConnectionRecord>? ConnectionEnded;

    /// <summary>The address actually bound (port 0 asks the system for one).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener ?? throw new InvalidOperationException("Start the listener first.")).LocalEndPoint!;

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections whose sequence ran to its end.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Connections that failed (hostile, broken, timed out).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Connections open now.</summary>
    public int Active => _connections.Count;

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local).</exception>
    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The listener has already started.");
        }

        var socket = new Socket(_options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(_options.EndPoint);
            socket.Listen(_options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        EmulatorLog.ServeListening(_logger, LocalEndPoint.ToString(), _server.Security.ToString().ToLowerInvariant(), RdpSpecNames.EncryptionMethod(_server.Encryption), _server.Pool.Capacity, _server.Pool.FreeCount, _server.Time.GetUtcNow().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then stops (open connections end as "server stopping").</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            Start();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops accepting, ends open connections, waits for them and saves the books one last time.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        SaveState();
        EmulatorLog.ServeStopped(_logger, Accepted, Completed, Failed);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_slots.CurrentCount == 0)
                {
                    EmulatorLog.ServeAtConnectionLimit(_logger, _options.MaxConnections);
                }

                await _slots.WaitAsync(stop).ConfigureAwait(false);
                Socket client;
                try
                {
                    client = await _listener!.AcceptAsync(stop).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                long id = Interlocked.Increment(ref _accepted);
                _connections[id] = Task.Run(() => ServeAsync(client, id));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed: nothing to serve; keep listening.
            }
        }
    }

    private async Task ServeAsync(Socket socket, long id)
    {
        var record = new ServeConnectionRecord
        {
            Id = id,
            Started = _server.Time.GetUtcNow(),
            Client = socket.RemoteEndPoint?.ToString() ?? "?",
        };
        long start = _time.GetTimestamp();
        try
        {
            socket.NoDelay = true;
            var connection = new RdpServerConnection(_server, _script?.Next() ?? ServeConnectionPlan.Default, _random, record);
            var session = new Session(this, socket, connection);
            await session.RunAsync().ConfigureAwait(false);
            WriteSecrets(connection, id);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The driver's last line: whatever escaped ends this connection, never the listener.
            record.Failure ??= (nameof(ServeFailureReason.ConnectionClosed), "?", $"{exception.GetType().Name}: {exception.Message}");
            record.Outcome = "failed";
        }
        finally
        {
            socket.Dispose();
            record.Duration = _time.GetElapsedTime(start);
            if (record.Outcome == "completed")
            {
                Interlocked.Increment(ref _completed);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }

            SaveState();
            Report(record);
            _connections.TryRemove(id, out _);
            _slots.Release();
        }
    }

    private void WriteSecrets(RdpServerConnection connection, long id)
    {
        if (_options.SecretsDirectory is not { } directory || connection.License.RecordedSecrets is not { } secrets)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        using FileStream file = File.Create(Path.Combine(directory, $"connection-{id}.secrets.json"));
        (string User, string Machine)? names = connection.License.ClientNames;
        Rdp.Connection.ProbeSecrets.WriteLicensing(file, LocalEndPoint.ToString(), names?.User, names?.Machine, secrets.ClientRandom, secrets.PreMasterSecret);
    }

    private void Report(ServeConnectionRecord record)
    {
        if (record.Failure is { } failure)
        {
            EmulatorLog.ServeConnectionFailed(_logger, record.Id, record.Client, failure.Reason, failure.Phase, failure.Detail);
        }
        else
        {
            EmulatorLog.ServeConnectionEnded(_logger, record.Id, record.Client, record.Outcome, record.Licensing.Outcome, record.Licensing.HardwareIdFingerprint ?? "-", record.AfterLicensing ?? "-");
        }

        try
        {
            ConnectionEnded?.Invoke(record);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The log sink went away (stdout closed): the connection itself is done either way.
        }
    }

    /// <summary>Saves the pool's books when they changed since the last save (atomic; a failure keeps the old file).</summary>
    private void SaveState()
    {
        if (_options.StatePath is not { } path)
        {
            return;
        }

        lock (_stateLock)
        {
            long changes = _server.Pool.Changes;
            if (changes == _savedChanges)
            {
                return;
            }

            try
            {
                PoolStateFile.Write(path, _server.Pool.ExportBooks(), _server.Pool.Capacity);
                _savedChanges = changes;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                EmulatorLog.ServeStateSaveFailed(_logger, path, exception);
            }
        }
    }

    /// <summary>One TCP connection: framing, TLS, the bounds, and the clean close.</summary>
    private sealed class Session(LicenseServerListener owner, Socket socket, RdpServerConnection connection)
    {
        private readonly byte[] _readBuffer = new byte[ReadBufferLength];
        private readonly ArrayBufferWriter<byte> _incoming = new(ReadBufferLength);
        private readonly ArrayBufferWriter<byte> _output = new(4096);
        private readonly LicenseServerListenerOptions _options = owner._options;
        private TlsServerSession? _tls;

        private ServeConnectionRecord Record => connection.Record;

        public async Task RunAsync()
        {
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(owner._stop.Token);
            lifetime.CancelAfter(_options.ConnectionTimeout);
            try
            {
                await SequenceAsync(lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ServeFailureReason reason = owner._stop.IsCancellationRequested ? ServeFailureReason.ServerStopping : ServeFailureReason.Timeout;
                string detail = reason == ServeFailureReason.ServerStopping ? "the server is stopping" : $"the connection lasted past the {_options.ConnectionTimeout.TotalSeconds:0.#} s bound";
                connection.End(reason, detail, _output);
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                connection.End(ServeFailureReason.ConnectionClosed, $"the connection broke during {connection.Phase}: {exception.Message}", _output);
            }

            await CloseAsync().ConfigureAwait(false);
        }

        private async Task<ServeStatus> SequenceAsync(CancellationToken token)
        {
            while (true)
            {
                DecodeStatus framing = TryFrame(out int length, out DecodeError error);
                if (framing == DecodeStatus.Invalid)
                {
                    return connection.End(ServeFailureReason.MalformedPdu, $"{(connection.Phase == ServePhase.ConnectionInitiation ? "the client's first bytes are not RDP" : "a client PDU cannot be framed")}: {error}", _output);
                }

                if (framing == DecodeStatus.Complete)
                {
                    byte[] frame = _incoming.WrittenSpan[..length].ToArray();
                    byte[] rest = _incoming.WrittenSpan[length..].ToArray();
                    _incoming.ResetWrittenCount();
                    _incoming.Write(rest);
                    ServeStatus status = connection.Step(frame, _output);
                    await FlushAsync(token).ConfigureAwait(false);
                    if (status == ServeStatus.StartTls)
                    {
                        if (!await HandshakeAsync(token).ConfigureAwait(false))
                        {
                            return ServeStatus.Failed;
                        }

                        continue;
                    }

                    if (status is ServeStatus.Close or ServeStatus.Failed)
                    {
                        return status;
                    }

                    continue;
                }

                if (length > _options.MaxFrameLength)
                {
                    return connection.End(ServeFailureReason.LimitExceeded, $"a client frame declares {length} bytes, more than the {_options.MaxFrameLength} accepted during {connection.Phase}", _output);
                }

                // After Demand Active the client has only Confirm Active left to say; the wait for it is short.
                TimeSpan wait = connection.AcceptsFastPath ? _options.ConfirmActiveWait : _options.IdleTimeout;
                int read = await ReadAsync(wait, token).ConfigureAwait(false);
                if (read < 0)
                {
                    return connection.End(ServeFailureReason.Timeout, $"the client sent nothing for {wait.TotalSeconds:0.#} s during {connection.Phase}", _output);
                }

                if (read == 0)
                {
                    string partial = _incoming.WrittenCount > 0 ? $" in the middle of a PDU ({_incoming.WrittenCount} bytes buffered)" : string.Empty;
                    return connection.End(ServeFailureReason.ConnectionClosed, $"the client closed the connection{partial} during {connection.Phase}", _output);
                }

                if (!await AcceptBytesAsync(read, token).ConfigureAwait(false))
                {
                    return ServeStatus.Failed;
                }
            }
        }

        /// <summary>The next frame's status: TPKT, or fast-path once the client is active.</summary>
        private DecodeStatus TryFrame(out int length, out DecodeError error)
        {
            ReadOnlySpan<byte> data = _incoming.WrittenSpan;
            if (!data.IsEmpty && connection.AcceptsFastPath && FastPathFrame.IsFastPath(data[0]))
            {
                return FastPathFrame.TryReadFrame(data, out length, out error);
            }

            return Tpkt.TryReadFrame(data, out length, out error);
        }

        /// <summary>Takes bytes read: through TLS when it is on. False when TLS failed (the connection is then ended).</summary>
        private async Task<bool> AcceptBytesAsync(int read, CancellationToken token)
        {
            ReadOnlySpan<byte> bytes = _readBuffer.AsSpan(0, read);
            if (_tls is { } tls)
            {
                bool ok = tls.OfferInput(bytes);
                await SendTlsOutputAsync(token).ConfigureAwait(false);
                if (!ok)
                {
                    connection.End(ServeFailureReason.TlsFailed, tls.Failure ?? "TLS failed", _output);
                    return false;
                }

                bytes = tls.TakeApplicationData();
            }

            if (_incoming.WrittenCount + bytes.Length > _options.MaxFrameLength + ReadBufferLength)
            {
                connection.End(ServeFailureReason.LimitExceeded, $"more than {_options.MaxFrameLength + ReadBufferLength} bytes buffered without a whole frame", _output);
                return false;
            }

            _incoming.Write(bytes);
            return true;
        }

        /// <summary>[MS-RDPBCGR 5.4.5.1] The TLS handshake after the X.224 exchange; false (and the connection ended) when it fails.</summary>
        private async Task<bool> HandshakeAsync(CancellationToken token)
        {
            // A client that sent bytes after its Connection Request before the Confirm must not have any: TLS starts clean.
            if (_incoming.WrittenCount > 0)
            {
                connection.End(ServeFailureReason.UnexpectedPdu, $"{_incoming.WrittenCount} bytes arrived before the TLS handshake could start", _output);
                return false;
            }

            var tls = new TlsServerSession(owner._tls, owner._random);
            while (!tls.IsHandshakeComplete)
            {
                int read = await ReadAsync(_options.IdleTimeout, token).ConfigureAwait(false);
                if (read <= 0)
                {
                    connection.End(read < 0 ? ServeFailureReason.Timeout : ServeFailureReason.ConnectionClosed, read < 0 ? $"the client sent nothing for {_options.IdleTimeout.TotalSeconds:0.#} s during the TLS handshake" : "the client closed the connection during the TLS handshake", _output);
                    return false;
                }

                bool ok = tls.OfferInput(_readBuffer.AsSpan(0, read));
                await WriteSocketAsync(tls.TakeOutput(), token).ConfigureAwait(false);
                if (!ok)
                {
                    connection.End(ServeFailureReason.TlsFailed, tls.Failure ?? "TLS failed", _output);
                    return false;
                }
            }

            _tls = tls;
            connection.TlsEstablished(tls.CipherSuite);
            _incoming.Write(tls.TakeApplicationData());
            return true;
        }

        /// <summary>Reads into the buffer; -1 when <paramref name="wait"/> passed with nothing, 0 when the client closed.</summary>
        private async Task<int> ReadAsync(TimeSpan wait, CancellationToken token)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
            idle.CancelAfter(wait);
            try
            {
                int read = await socket.ReceiveAsync(_readBuffer, SocketFlags.None, idle.Token).ConfigureAwait(false);
                Record.BytesIn += read;
                return read;
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return -1;
            }
        }

        /// <summary>Sends what the connection wrote: through TLS when it is on.</summary>
        private async Task FlushAsync(CancellationToken token)
        {
            if (_output.WrittenCount == 0)
            {
                return;
            }

            if (_tls is { } tls)
            {
                tls.WriteApplicationData(_output.WrittenSpan);
                _output.ResetWrittenCount();
                await SendTlsOutputAsync(token).ConfigureAwait(false);
                return;
            }

            byte[] data = _output.WrittenSpan.ToArray();
            _output.ResetWrittenCount();
            await WriteSocketAsync(data, token).ConfigureAwait(false);
        }

        private Task SendTlsOutputAsync(CancellationToken token) => WriteSocketAsync(_tls!.TakeOutput(), token);

        private async Task WriteSocketAsync(byte[] data, CancellationToken token)
        {
            if (data.Length == 0)
            {
                return;
            }

            // A client that does not read fills the socket buffers: the send then waits, bounded by the connection's lifetime.
            await socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            Record.BytesOut += data.Length;
        }

        /// <summary>
        /// The last PDUs out (and TLS close_notify), then a half-close; what the client still sends is read and dropped
        /// for a moment, so it reads everything before the connection goes (a close with unread input would reset it).
        /// </summary>
        private async Task CloseAsync()
        {
            using var grace = new CancellationTokenSource(_options.CloseLinger + _options.CloseLinger);
            try
            {
                await FlushAsync(grace.Token).ConfigureAwait(false);
                if (_tls is { } tls)
                {
                    tls.Close();
                    await SendTlsOutputAsync(grace.Token).ConfigureAwait(false);
                }

                socket.Shutdown(SocketShutdown.Send);
                long until = owner._time.GetTimestamp() + (long)(_options.CloseLinger.TotalSeconds * owner._time.TimestampFrequency);
                while (owner._time.GetTimestamp() < until)
                {
                    TimeSpan left = owner._time.GetElapsedTime(owner._time.GetTimestamp(), until);
                    if (await ReadAsync(left, grace.Token).ConfigureAwait(false) <= 0)
                    {
                        break;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went first: nothing more to tell it.
            }

        }
    }
}
