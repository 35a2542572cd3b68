using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Transport;

namespace TsThinLic.Rdp.Connection;

/// <summary>
/// Connects to an RDP server over TCP and runs <see cref="RdpConnectionSequence"/> through the licensing outcome and the
/// server's verdict after it, timing each phase; with TLS through <see cref="TlsClientSession"/> (also under Network
/// Level Authentication, so whatever observes that session sees NLA connections too). The attempt through licensing is
/// bounded by <see cref="RdpProbeOptions.Timeout"/>, the wait for the verdict by <see cref="RdpProbeOptions.VerdictTimeout"/>
/// (both measured with the injected <see cref="TimeProvider"/>): it never hangs. Persists through the store only after
/// licensing completed, as <see cref="PipeLicensingDriver"/> does; a first use's HWID is committed under the store's lock
/// when licensing begins (<see cref="ILicenseStore.LoadOrCreateHardwareId"/>), never for a connection that stops before.
/// </summary>
public sealed class RdpProbe
{
    private const int ReadBufferLength = 16 * 1024;

    private readonly ILicenseStore _store;
    private readonly IRandomSource _random;
    private readonly TimeProvider _time;
    private readonly RdpProbeOptions _options;
    private readonly ILogger _logger;

    public RdpProbe(ILicenseStore store, IRandomSource random, TimeProvider time, RdpProbeOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _random = random;
        _time = time;
        _options = options ?? new RdpProbeOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs one probe. Every network, protocol or timeout failure is in the result; only cancellation through
    /// <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<ProbeResult> RunAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);

        var result = new ProbeResult(host, port);
        long start = _time.GetTimestamp();
        var identity = new LicensingIdentity(this, result);
        var random = new RecordingRandomSource(_random);

        using var deadline = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        NlaTokenFormat format = _options.TokenFormat ?? NlaTokenFormat.RawNtlm;
        var attempt = new Attempt(this, result, identity, random, linked.Token, cancellationToken, format);
        try
        {
            NegotiationProtocols requested = _options.Security switch
            {
                ProbeSecurity.Rdp => NegotiationProtocols.Rdp,
                ProbeSecurity.Nla => NlaProtocols,
                _ => NegotiationProtocols.Ssl,
            };
            await attempt.RunAsync(host, port, requested).ConfigureAwait(false);
            if (_options.Security == ProbeSecurity.Auto && result.Failure?.NegotiationFailure is NegotiationFailureCode.SslNotAllowedByServer or NegotiationFailureCode.SslCertNotOnServer)
            {
                RdpLog.ProbeFallingBackToStandardSecurity(_logger, RdpSpecNames.NegotiationFailure(result.Failure.NegotiationFailure.Value));
                result.Failure = null;
                result.FellBackToStandardSecurity = true;
                attempt = new Attempt(this, result, identity, random, linked.Token, cancellationToken, format);
                await attempt.RunAsync(host, port, NegotiationProtocols.Rdp).ConfigureAwait(false);
            }
            else if (_options.Security == ProbeSecurity.Auto && result.Failure?.NegotiationFailure is NegotiationFailureCode.HybridRequiredByServer)
            {
                if (_options.Credentials is null)
                {
                    result.Failure = new ConnectionFailure(ConnectionFailureReason.CredentialsRequired, ConnectionPhase.ConnectionInitiation, "the server requires Network Level Authentication (HYBRID_REQUIRED_BY_SERVER): give --user and a password", negotiationFailure: NegotiationFailureCode.HybridRequiredByServer);
                }
                else
                {
                    RdpLog.ProbeUsingNla(_logger, RdpSpecNames.NegotiationFailure(NegotiationFailureCode.HybridRequiredByServer));
                    result.Failure = null;
                    result.SwitchedToNla = true;
                    attempt = new Attempt(this, result, identity, random, linked.Token, cancellationToken, format);
                    await attempt.RunAsync(host, port, NlaProtocols).ConfigureAwait(false);
                }
            }

            // Some servers want NTLM raw, some in SPNEGO: raw first (as mstsc), SPNEGO when the server refused it before
            // anything of the password was used.
            if (_options.TokenFormat is null && result.Failure?.Nla is { CredentialsSent: false } && attempt.NlaStarted && !attempt.ChallengeAnswered)
            {
                RdpLog.ProbeRetryingWithSpnego(_logger, result.Failure.Nla.Message);
                result.Failure = null;
                result.NlaAttempts.Add(NlaTokenFormat.RawNtlm);
                attempt = new Attempt(this, result, identity, random, linked.Token, cancellationToken, NlaTokenFormat.Spnego);
                await attempt.RunAsync(host, port, result.RequestedProtocols).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            attempt.MarkPhase();
            result.Failure = new ConnectionFailure(ConnectionFailureReason.Timeout, attempt.Phase, $"no licensing outcome within {_options.Timeout.TotalSeconds:0.###} s (waiting in {attempt.Phase})");
        }

        result.RandomBlocks = random.Requests;
        result.Total = _time.GetElapsedTime(start);
        if (result.Succeeded && identity.Stored is { HardwareId: { } hardwareId } stored)
        {
            Persist(result, stored, hardwareId, attempt.LicensingStep!);
        }

        if (result.Failure is { } failure)
        {
            RdpLog.ProbeFailed(_logger, host, port, failure.Reason.ToString(), failure.Phase.ToString(), failure.Message);
        }
        else
        {
            RdpLog.ProbeFinished(_logger, host, port, result.Outcome?.ToString() ?? "?");
        }

        return result;
    }

    /// <summary>What mstsc asks for: TLS, CredSSP, and CredSSP with the Early User Authorization Result.</summary>
    private const NegotiationProtocols NlaProtocols = NegotiationProtocols.Ssl | NegotiationProtocols.Hybrid | NegotiationProtocols.HybridEx;

    private void Persist(ProbeResult result, LicenseStoreSnapshot stored, ClientHardwareId hardwareId, LicensingStepResult step)
    {
        // The HWID is stored already: only a CAL can be left to keep.
        if (ExchangeStoreUpdate.For(stored, hardwareId, hardwareIdCreated: false, step, _time.GetUtcNow(), out StoredLicense? license) is not { } update)
        {
            return;
        }

        try
        {
            _store.Save(update);
            result.StoredLicense = license;
            if (license is not null)
            {
                RdpLog.ProbeLicenseStored(_logger, license.Key.ToString(), license.LicenseInfo.Length);
            }
        }
        catch (LicenseStoreException exception)
        {
            RdpLog.ProbeStoreSaveFailed(_logger, exception);
            result.Failure = new ConnectionFailure(ConnectionFailureReason.StoreFailed, ConnectionPhase.Finished, $"the server's answer was {result.Outcome}, but the store refused it: {exception.Message}");
            result.Outcome = null;
        }
    }

    /// <summary>
    /// The device's HWID and the store's CALs for licensing, read once per probe when the first attempt reaches licensing.
    /// DESIGN.md, Stores: concurrent first uses agree on one HWID, the one committed under the store's lock; and it is
    /// committed only then, so a connection that never reaches licensing (a refused NLA logon, a server that says
    /// nothing, a wrong certificate) leaves the store as it was. A first use's candidate is drawn before connecting, so
    /// the randoms a connection uses come in the same order whether the store had a HWID or not.
    /// </summary>
    private sealed class LicensingIdentity
    {
        private readonly RdpProbe _owner;
        private readonly ProbeResult _result;
        private readonly ClientHardwareId? _candidate;
        private (ClientIdentity Identity, LicenseStoreSnapshot Stored)? _value;

        public LicensingIdentity(RdpProbe owner, ProbeResult result)
        {
            _owner = owner;
            _result = result;
            _candidate = owner._store.Load().HardwareId is null ? HardwareIdGenerator.Create(owner._options.PlatformId, owner._random) : null;
        }

        /// <summary>What the store held, with the HWID, once licensing began; null before.</summary>
        public LicenseStoreSnapshot? Stored => _value?.Stored;

        public (ClientIdentity Identity, LicenseStoreSnapshot Stored) Get()
        {
            if (_value is { } value)
            {
                return value;
            }

            LicenseStoreSnapshot stored = _owner._store.LoadOrCreateHardwareId(() => _candidate ?? HardwareIdGenerator.Create(_owner._options.PlatformId, _owner._random), out bool created);
            ClientHardwareId hardwareId = stored.HardwareId ?? throw new InvalidOperationException("The store returned no HWID from LoadOrCreateHardwareId.");
            _result.HardwareId = hardwareId;
            _result.HardwareIdCreated = created;
            _value = (new ClientIdentity(hardwareId, _owner._options.UserName, _owner._options.MachineName), stored);
            return _value.Value;
        }
    }

    /// <summary>One TCP connection: the sequence, the socket, the TLS session and the phase clock.</summary>
    private sealed class Attempt(RdpProbe owner, ProbeResult result, LicensingIdentity identity, IRandomSource random, CancellationToken attemptToken, CancellationToken callerToken, NlaTokenFormat tokenFormat)
    {
        private readonly byte[] _readBuffer = new byte[ReadBufferLength];
        private readonly ArrayBufferWriter<byte> _incoming = new(ReadBufferLength);
        private NetworkStream? _stream;
        private TlsClientSession? _tls;
        private RdpConnectionSequence? _sequence;
        private long _phaseStart;
        private bool _closed;
        private CancellationToken _token = attemptToken;
        private CancellationTokenSource? _verdictDeadline;

        public ConnectionPhase Phase { get; private set; } = ConnectionPhase.TcpConnect;

        public LicensingStepResult? LicensingStep { get; private set; }

        /// <summary>Whether CredSSP started in this attempt.</summary>
        public bool NlaStarted => _sequence?.CredSsp is not null;

        /// <summary>Whether the client answered the NTLM CHALLENGE_MESSAGE (so the token format was understood).</summary>
        public bool ChallengeAnswered => _sequence?.CredSsp?.Ntlm.NegotiatedFlags is not null;

        public async Task RunAsync(string host, int port, NegotiationProtocols requested)
        {
            result.RequestedProtocols = requested;
            RdpLog.ProbeConnecting(owner._logger, host, port, RdpSpecNames.Protocol(requested));
            _phaseStart = owner._time.GetTimestamp();
            Phase = ConnectionPhase.TcpConnect;
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(host, port, _token).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                MarkPhase();
                result.Failure = new ConnectionFailure(ConnectionFailureReason.ConnectFailed, Phase, $"TCP connect to {host}:{port} failed: {exception.SocketErrorCode} ({exception.Message})");
                return;
            }

            await using var stream = new NetworkStream(socket, ownsSocket: false);
            _stream = stream;
            MarkPhase(ConnectionPhase.ConnectionInitiation);
            try
            {
                await RunSequenceAsync(requested, host).ConfigureAwait(false);
            }
            catch (IOException exception) when (!_token.IsCancellationRequested)
            {
                Closed($"the connection broke: {exception.Message}");
            }
            catch (SocketException exception) when (!_token.IsCancellationRequested)
            {
                Closed($"the connection broke: {exception.SocketErrorCode}");
            }
            catch (OperationCanceledException) when (_verdictDeadline is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested)
            {
                // The wait after licensing ran out: that is the verdict, not a failure of the probe.
                Finish(_sequence!.VerdictTimedOut());
            }
            finally
            {
                CopySequenceState();
                _verdictDeadline?.Dispose();
            }

            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already closed by the server: nothing to shut down.
            }
        }

        /// <summary>Records the time spent in the current phase and moves to <paramref name="next"/>.</summary>
        public void MarkPhase(ConnectionPhase? next = null)
        {
            if (_closed)
            {
                return;
            }

            long now = owner._time.GetTimestamp();
            result.Phases.Add(new PhaseTiming(Phase, owner._time.GetElapsedTime(_phaseStart, now)));
            RdpLog.ProbePhaseCompleted(owner._logger, Phase.ToString(), owner._time.GetElapsedTime(_phaseStart, now).TotalMilliseconds);
            _phaseStart = now;
            if (next is { } phase)
            {
                Phase = phase;
            }
            else
            {
                _closed = true;
            }
        }

        private async Task RunSequenceAsync(NegotiationProtocols requested, string host)
        {
            var options = new RdpConnectionOptions
            {
                RequestedProtocols = requested,
                UserName = owner._options.UserName,
                Domain = owner._options.Domain,
                ClientName = owner._options.MachineName,
                Credentials = owner._options.Credentials,
                Nla = new CredSspClientOptions { TokenFormat = tokenFormat, TargetName = $"TERMSRV/{host}", Workstation = owner._options.MachineName },
            };

            // NLA's randoms come from the plain source, like TLS's: --record-secrets records the RDP and licensing ones only.
            _sequence = new RdpConnectionSequence(options, random, owner._random, owner._time);
            var output = new ArrayBufferWriter<byte>(1024);
            ConnectionStepResult step = _sequence.Start(output);
            await SendAsync(output).ConfigureAwait(false);
            while (true)
            {
                if (_sequence.AwaitingVerdict && _verdictDeadline is null)
                {
                    // The licensing outcome is in: the server's verdict gets its own time, not what is left of the attempt's.
                    _verdictDeadline = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
                    _verdictDeadline.CancelAfter(owner._options.VerdictTimeout);
                    _token = _verdictDeadline.Token;
                }

                byte[]? packet = await ReadMessageAsync(_sequence.Framing).ConfigureAwait(false);
                if (packet is null)
                {
                    return; // the failure or the verdict is set
                }

                step = _sequence.Step(packet, output);
                await SendAsync(output).ConfigureAwait(false);
                if (step.Licensing is { } licensing)
                {
                    LicensingStep = licensing;
                }

                if (step.Status == ConnectionStatus.StartTls)
                {
                    MarkPhase(ConnectionPhase.TlsHandshake);
                    if (!await HandshakeAsync().ConfigureAwait(false) || !await CheckCertificateAsync().ConfigureAwait(false))
                    {
                        return;
                    }

                    step = _sequence.TlsEstablished(output, result.TlsCertificate?.SubjectPublicKey ?? ReadOnlyMemory<byte>.Empty);
                    await SendAsync(output).ConfigureAwait(false);
                }

                if (_sequence.NeedsLicensingIdentity)
                {
                    // Licensing has begun: only now is a first use's HWID committed (DESIGN.md, Stores).
                    (ClientIdentity device, LicenseStoreSnapshot stored) = identity.Get();
                    _sequence.ProvideLicensingIdentity(device, stored);
                }

                if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed)
                {
                    await FinishAsync(step).ConfigureAwait(false);
                    return;
                }

                if (_sequence.Phase != Phase)
                {
                    MarkPhase(_sequence.Phase);
                }
            }
        }

        private async Task FinishAsync(ConnectionStepResult step)
        {
            Finish(step);
            _tls?.Close();
            try
            {
                await FlushTlsAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                // The server may have closed first (it does after Set Error Info); the verdict is already known.
            }
        }

        private void Finish(ConnectionStepResult step)
        {
            MarkPhase();
            if (step.Status == ConnectionStatus.Completed)
            {
                result.Outcome = (step.Licensing ?? LicensingStep)!.Outcome;
                result.Verdict = step.Verdict;
            }
            else
            {
                result.Failure = step.Failure;
            }
        }

        /// <summary>The server closed (or broke) the connection: the sequence says what that means where it was.</summary>
        private void Closed(string fallback)
        {
            if (_sequence is { } sequence && sequence.Phase != ConnectionPhase.Finished && (sequence.AwaitingVerdict || sequence.CredSsp is not null || sequence.ErrorInfo is not null))
            {
                Finish(sequence.ConnectionClosed());
                return;
            }

            result.Failure = new ConnectionFailure(ConnectionFailureReason.ConnectionClosed, Phase, fallback);
        }

        /// <summary>
        /// Reads the TLS leaf certificate and, with --expect-certificate, refuses a different one before anything else
        /// leaves the client (no CredSSP message, no RDP PDU).
        /// </summary>
        private async Task<bool> CheckCertificateAsync()
        {
            if (_tls!.ServerCertificates.Count > 0)
            {
                if (TlsServerCertificate.TryRead(_tls.ServerCertificates[0], out TlsServerCertificate? certificate, out string? problem))
                {
                    result.TlsCertificate = certificate;
                }
                else
                {
                    result.TlsCertificateProblem = problem;
                }
            }

            if (owner._options.ExpectedCertificate is not { } expected)
            {
                result.CertificateChecked = false;
                return true;
            }

            if (result.TlsCertificate is { } leaf && leaf.Matches(expected))
            {
                result.CertificateChecked = true;
                return true;
            }

            result.CertificateChecked = false;
            string seen = result.TlsCertificate?.Sha256FingerprintText ?? $"none readable ({result.TlsCertificateProblem ?? "no certificate"})";
            result.Failure = new ConnectionFailure(ConnectionFailureReason.CertificateMismatch, Phase, $"the TLS certificate's SHA-256 fingerprint is {seen}, not the expected {TlsServerCertificate.FormatFingerprint(expected)}: refused before anything was sent (possible interception, or the server's certificate changed)");
            MarkPhase();
            _tls.Close();
            await SendFatalAlertAsync().ConfigureAwait(false);
            return false;
        }

        private void CopySequenceState()
        {
            if (_sequence is not { } sequence)
            {
                return;
            }

            result.SelectedProtocol = sequence.SelectedProtocol;
            result.ServerData = sequence.ServerData;
            result.GccCertificate = sequence.ServerCertificateVerification;
            result.ClientRandom = sequence.ClientRandom;
            result.Transcript = sequence.Transcript;
            result.RoutedPastLicensing = sequence.RoutedPastLicensing;
            if (sequence.Licensing is { } licensing)
            {
                result.LicenseRequest = licensing.LicenseRequest;
                result.LicensingCertificate = licensing.CertificateVerification;
                result.PresentedLicense = licensing.PresentedLicense;
            }

            result.LicensingPdus.Clear();
            foreach ((bool fromClient, byte[] pdu) in sequence.LicensingPdus)
            {
                LicensingMessageType? type = LicensingPduDecoder.TryDecode(pdu, out LicensingPdu? decoded, out _) ? decoded.MessageType : null;
                result.LicensingPdus.Add(new LicensingPduRecord(fromClient ? LicensingPduDirection.Client : LicensingPduDirection.Server, type, pdu, owner._time.GetUtcNow()));
            }

            if (_tls is { } tls)
            {
                result.TlsVersion = tls.ProtocolVersion;
                result.TlsCipherSuite = tls.CipherSuite;
                result.TlsCertificates = tls.ServerCertificates;
            }

            result.ChannelJoinsSkipped = sequence.ChannelJoinsSkipped;
            result.ErrorInfo = sequence.ErrorInfo;
            if (sequence.CredSsp is { } credSsp)
            {
                result.Nla = new NlaReport(
                    credSsp.TokenFormat,
                    credSsp.ServerVersion,
                    credSsp.NegotiatedVersion,
                    credSsp.Ntlm.Challenge?.TargetInfo.FindName(Ntlm.NtlmAvId.NbDomainName),
                    credSsp.Ntlm.Challenge?.TargetInfo.FindName(Ntlm.NtlmAvId.NbComputerName),
                    credSsp.Ntlm.Challenge?.TargetInfo.FindName(Ntlm.NtlmAvId.DnsComputerName),
                    credSsp.Ntlm.MicSent,
                    credSsp.ServerVerified,
                    credSsp.CredentialsSent,
                    sequence.EarlyUserAuthorizationResult,
                    [.. credSsp.Messages]);
            }
        }

        private async Task<bool> HandshakeAsync()
        {
            // The TLS handshake draws from the plain source, not the recording one: recorded secrets are the RDP and
            // licensing randoms only, in their fixed order.
            _tls = new TlsClientSession(owner._random, owner._options.KeyLog);
            if (!_tls.Start())
            {
                result.Failure = new ConnectionFailure(ConnectionFailureReason.TlsFailed, Phase, _tls.Failure!);
                return false;
            }

            await FlushTlsAsync().ConfigureAwait(false);
            while (!_tls.IsHandshakeComplete)
            {
                int read = await _stream!.ReadAsync(_readBuffer, _token).ConfigureAwait(false);
                if (read == 0)
                {
                    result.Failure = new ConnectionFailure(ConnectionFailureReason.ConnectionClosed, Phase, "the server closed the connection during the TLS handshake");
                    return false;
                }

                if (!_tls.OfferInput(_readBuffer.AsSpan(0, read)))
                {
                    result.Failure = new ConnectionFailure(ConnectionFailureReason.TlsFailed, Phase, _tls.Failure!);
                    await SendFatalAlertAsync().ConfigureAwait(false);
                    return false;
                }

                await FlushTlsAsync().ConfigureAwait(false);
            }

            _incoming.Write(_tls.TakeApplicationData());
            return true;
        }

        private async Task FlushTlsAsync()
        {
            byte[] records = _tls?.TakeOutput() ?? [];
            if (records.Length > 0)
            {
                await _stream!.WriteAsync(records, _token).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Best effort: the fatal alert a failed TLS session queued (RFC 5246 7.2.2), if the socket still takes it; the
        /// failure already recorded stays the one reported.
        /// </summary>
        private async Task SendFatalAlertAsync()
        {
            try
            {
                await FlushTlsAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                // The server may have closed first; nothing more to tell it.
            }
        }

        private async Task SendAsync(ArrayBufferWriter<byte> output)
        {
            if (output.WrittenCount == 0)
            {
                return;
            }

            if (_tls is { } tls)
            {
                if (!tls.WriteApplicationData(output.WrittenSpan))
                {
                    output.ResetWrittenCount();
                    throw new IOException(tls.Failure);
                }

                await FlushTlsAsync().ConfigureAwait(false);
            }
            else
            {
                await _stream!.WriteAsync(output.WrittenMemory, _token).ConfigureAwait(false);
            }

            output.ResetWrittenCount();
        }

        /// <summary>The next whole server message as <paramref name="framing"/> frames it, or null with the failure (or verdict) set.</summary>
        private async Task<byte[]?> ReadMessageAsync(RdpFraming framing)
        {
            while (true)
            {
                int length;
                DecodeError error;
                DecodeStatus status = framing switch
                {
                    RdpFraming.TsRequest => TsRequest.TryReadFrame(_incoming.WrittenSpan, out length, out error),
                    RdpFraming.EarlyUserAuthorizationResult => FixedFrame(EarlyUserAuthorizationResult.Length, out length, out error),
                    _ => Tpkt.TryReadFrame(_incoming.WrittenSpan, out length, out error),
                };
                if (status == DecodeStatus.Complete)
                {
                    byte[] packet = _incoming.WrittenSpan[..length].ToArray();
                    byte[] rest = _incoming.WrittenSpan[length..].ToArray();
                    _incoming.ResetWrittenCount();
                    _incoming.Write(rest);
                    return packet;
                }

                if (status == DecodeStatus.Invalid)
                {
                    string what = Phase == ConnectionPhase.ConnectionInitiation ? "the server's answer is not RDP" : "a server PDU cannot be framed";
                    result.Failure = new ConnectionFailure(ConnectionFailureReason.MalformedPdu, Phase, $"{what}: {error}", error);
                    return null;
                }

                int read = await _stream!.ReadAsync(_readBuffer, _token).ConfigureAwait(false);
                if (read == 0)
                {
                    string partial = _incoming.WrittenCount > 0 ? $" in the middle of a PDU ({_incoming.WrittenCount} bytes buffered)" : string.Empty;
                    Closed($"the server closed the connection{partial} during {Phase}");
                    return null;
                }

                if (_incoming.WrittenCount + read > 2 * Tpkt.MaxPacketLength)
                {
                    result.Failure = new ConnectionFailure(ConnectionFailureReason.MalformedPdu, Phase, "the server sent more than two maximum-size packets without completing one");
                    return null;
                }

                if (_tls is { } tls)
                {
                    if (!tls.OfferInput(_readBuffer.AsSpan(0, read)))
                    {
                        result.Failure = new ConnectionFailure(ConnectionFailureReason.TlsFailed, Phase, tls.Failure!);
                        await SendFatalAlertAsync().ConfigureAwait(false);
                        return null;
                    }

                    await FlushTlsAsync().ConfigureAwait(false);
                    _incoming.Write(tls.TakeApplicationData());
                }
                else
                {
                    _incoming.Write(_readBuffer.AsSpan(0, read));
                }
            }
        }

        private DecodeStatus FixedFrame(int size, out int length, out DecodeError error)
        {
            length = size;
            error = default;
            return _incoming.WrittenCount >= size ? DecodeStatus.Complete : DecodeStatus.NeedMoreData;
        }
    }
}
