using System.Buffers;
using System.IO.Pipelines;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Emulator;

/// <summary>
/// The server side of [MS-RDPELE] played with the same crypto as the client: it offers a product, decrypts the
/// client's premaster secret with its own key, checks every MAC and the echoed challenge, and issues licenses. Like
/// the client it is sans-I/O (<see cref="Start"/>, <see cref="Receive"/>), with <see cref="RunAsync"/> to play it
/// over pipes. What it checked is kept in <see cref="Violations"/> and the other observation properties, so a test
/// can assert the client was right on the wire, not only that it finished.
/// </summary>
public sealed class EmulatedLicenseServer
{
    private const int ServerRandomLength = 32;
    private const int PlatformChallengeLength = 10;

    private readonly EmulatedLicenseServerOptions _options;
    private readonly EmulatedServerScript? _script;
    private readonly IRandomSource _random;
    private readonly RsaPrivateKey _key;
    private readonly ServerCertificate _certificate;
    private readonly List<string> _violations = [];
    private readonly List<string> _quirks = [];
    private readonly List<LicensingMessageType> _received = [];
    private readonly List<(LicensingMessageType Message, bool Verified)> _macChecks = [];

    private int _step;
    private CalMinter? _minter;
    private ulong _serial;
    private byte[]? _serverRandom;
    private LicensingSessionKeys? _keys;
    private byte[]? _challenge;
    private bool _presentedLicense;
    private ReadOnlyMemory<byte>? _poolLicense;
    private bool _finished;
    private LicensingPdu? _lastPdu;
    private bool _lastVerified;
    private bool _strictRefusal;

    public EmulatedLicenseServer(IRandomSource random, EmulatedServerScript? script = null, EmulatedLicenseServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _script = script;
        _options = options ?? new EmulatedLicenseServerOptions();
        if (_options.LicensePool is not null)
        {
            if (script is not null && script.IssuesLicenses)
            {
                throw new ArgumentException("With a license pool the pool decides every CAL: a script may interrupt the exchange (Automatic actions, alerts) but not issue licenses itself.", nameof(script));
            }

            if (_options.LicenseFactory is not null || _options.UpgradePresentedLicenses)
            {
                throw new ArgumentException("With a license pool the pool decides what to issue: set neither LicenseFactory nor UpgradePresentedLicenses.", nameof(options));
            }
        }

        (_key, _certificate) = EmulatorKeys.ServerCertificate(_options.CertificateKind);
    }

    /// <summary>
    /// The server's certificate, which a caller hands the client as the GCC Server Security Data certificate when
    /// <see cref="EmulatedLicenseServerOptions.IncludeCertificate"/> is off.
    /// </summary>
    public ServerCertificate Certificate => _certificate;

    /// <summary>The private key of <see cref="Certificate"/> (an RDP server's Standard RDP Security key is the same one).</summary>
    internal RsaPrivateKey Key => _key;

    /// <summary>
    /// Short names of what the client did that the spec does not allow but real clients do, and that this server
    /// tolerated (or, with <see cref="EmulatedLicenseServerOptions.Strict"/>, refused): "zero-premaster" (no RSA, the
    /// premaster secret is 48 zero bytes), "challenge-response-layout" (the challenge echoed without
    /// PLATFORM_CHALLENGE_RESPONSE_DATA). rdesktop does both.
    /// </summary>
    public IReadOnlyList<string> Quirks => _quirks;

    /// <summary>Each MAC the server checked: the client PDU that carried it and whether it verified.</summary>
    public IReadOnlyList<(LicensingMessageType Message, bool Verified)> MacChecks => _macChecks;

    /// <summary>The last ERROR_ALERT the server sent (STATUS_VALID_CLIENT included), if any.</summary>
    public (LicensingErrorCode Code, LicensingStateTransition Transition)? LastAlert { get; private set; }

    /// <summary>What the last NEW_LICENSE or UPGRADE_LICENSE carried, if the server sent one.</summary>
    public EmulatedIssuedLicense? Issued { get; private set; }

    /// <summary>
    /// With <see cref="EmulatedLicenseServerOptions.RecordSecrets"/>: the client random and premaster secret of the last
    /// exchange. Key material: written only to a test's secrets file, never logged.
    /// </summary>
    public (byte[] ClientRandom, byte[] PreMasterSecret)? RecordedSecrets { get; private set; }

    /// <summary>Whether the server refused the client for a quirk it would otherwise tolerate (<see cref="EmulatedLicenseServerOptions.Strict"/>).</summary>
    public bool RefusedForQuirk => _strictRefusal;

    /// <summary>Whether the server has nothing more to send (its script ran out, or the client gave up).</summary>
    public bool IsFinished => _finished;

    /// <summary>Everything the server found wrong in what the client sent. Empty for a correct client.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>The message types of the client PDUs it received, in order.</summary>
    public IReadOnlyList<LicensingMessageType> Received => _received;

    /// <summary>The HWID the client sent in its last LICENSE_INFO or PLATFORM_CHALLENGE_RESPONSE, when its MAC verified.</summary>
    public ClientHardwareId? ClientHardwareId { get; private set; }

    /// <summary>ClientUserName and ClientMachineName of the last NEW_LICENSE_REQUEST.</summary>
    public (string UserName, string MachineName)? ClientNames { get; private set; }

    /// <summary>The CAL the client presented in its last LICENSE_INFO.</summary>
    public ReadOnlyMemory<byte>? PresentedLicense { get; private set; }

    /// <summary>The client's ERROR_ALERT, if it sent one.</summary>
    public (LicensingErrorCode Code, LicensingStateTransition Transition)? ClientAlert { get; private set; }

    /// <summary>Writes the server's first PDU(s): step 0 of the script, or a LICENSE_REQUEST.</summary>
    public void Start(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _step = 0;
        if (_script is null)
        {
            Send(EmulatedServerAction.LicenseRequest, output);
            return;
        }

        RunStep(output);
    }

    /// <summary>Consumes one client licensing PDU and writes the server's answer, if it has one.</summary>
    public void Receive(ReadOnlySpan<byte> clientPdu, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!LicensingPduDecoder.TryDecode(clientPdu, out LicensingPdu? pdu, out DecodeError error))
        {
            _violations.Add($"the client sent a malformed licensing PDU: {error}");
            _finished = true;
            return;
        }

        _received.Add(pdu.MessageType);
        int quirksBefore = _quirks.Count;
        CheckPreamble(pdu);
        bool verified = pdu switch
        {
            ClientNewLicenseRequest request => OnNewLicenseRequest(request),
            ClientLicenseInfo info => OnLicenseInfo(info),
            ClientPlatformChallengeResponse response => OnPlatformChallengeResponse(response),
            LicenseErrorAlert alert => OnClientAlert(alert),
            _ => Violation($"a client does not send {LicensingSpecNames.MessageType(pdu.MessageType)}"),
        };

        if (_finished)
        {
            return;
        }

        _lastPdu = pdu;
        _lastVerified = verified;
        if (_options.Strict && verified && _quirks.Count > quirksBefore)
        {
            // [MS-RDPELE 3.2.5]: a strict server treats a client outside the spec as an invalid client.
            _strictRefusal = true;
            Send(EmulatedServerAction.ErrorAlert(LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort), output);
            _finished = true;
            return;
        }

        _step++;
        if (_script is null || (_step >= _script.Steps.Count && _script.ContinueAutomatically))
        {
            AnswerAutomatically(pdu, verified, output);
            return;
        }

        RunStep(output);
    }

    /// <summary>
    /// Plays the exchange over pipes: writes the first PDU, then answers each client PDU until it has nothing more to
    /// send, and completes <paramref name="toClient"/> (the server closing the connection).
    /// </summary>
    public async Task RunAsync(PipeReader fromClient, PipeWriter toClient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fromClient);
        ArgumentNullException.ThrowIfNull(toClient);
        var output = new ArrayBufferWriter<byte>();
        try
        {
            Start(output);
            await toClient.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
            while (!_finished)
            {
                ReadResult read = await fromClient.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                SequencePosition consumed = buffer.Start;
                try
                {
                    while (!_finished && LicensingPduDecoder.TryReadFrame(buffer, out SequencePosition frameEnd, out _, out _) == DecodeStatus.Complete)
                    {
                        byte[] frame = buffer.Slice(0, frameEnd).ToArray();
                        buffer = buffer.Slice(frameEnd);
                        consumed = frameEnd;
                        output.ResetWrittenCount();
                        Receive(frame, output);
                        if (output.WrittenCount > 0)
                        {
                            await toClient.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    if (read.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    fromClient.AdvanceTo(consumed, buffer.End);
                }
            }
        }
        finally
        {
            await toClient.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void RunStep(IBufferWriter<byte> output)
    {
        IReadOnlyList<IReadOnlyList<EmulatedServerAction>> steps = _script!.Steps;
        if (_step >= steps.Count)
        {
            _finished = true;
            return;
        }

        foreach (EmulatedServerAction action in steps[_step])
        {
            if (action is EmulatedServerAction.AnswerAutomatically)
            {
                if (_lastPdu is null)
                {
                    Send(EmulatedServerAction.LicenseRequest, output);
                }
                else
                {
                    AnswerAutomatically(_lastPdu, _lastVerified, output);
                }

                continue;
            }

            Send(action, output);
            // [MS-RDPELE 3.1.5.2]: the exchange ends with ST_TOTAL_ABORT, or with STATUS_VALID_CLIENT and
            // ST_NO_TRANSITION (success); any other transition, even after STATUS_VALID_CLIENT, goes on.
            if (action is EmulatedServerAction.SendErrorAlert { Transition: LicensingStateTransition.TotalAbort }
                or EmulatedServerAction.SendErrorAlert { Code: LicensingErrorCode.ValidClient, Transition: LicensingStateTransition.NoTransition })
            {
                _finished = true;
            }
        }

        if (_step == steps.Count - 1 && !_script.ContinueAutomatically)
        {
            _finished = true;
        }
    }

    private void AnswerAutomatically(LicensingPdu pdu, bool verified, IBufferWriter<byte> output)
    {
        if (!verified)
        {
            // [MS-RDPELE 3.2.5.9]: a MAC that does not verify is answered with ERR_INVALID_MAC, ST_TOTAL_ABORT.
            Send(EmulatedServerAction.ErrorAlert(LicensingErrorCode.InvalidMac, LicensingStateTransition.TotalAbort), output);
            _finished = true;
            return;
        }

        switch (pdu)
        {
            case ClientNewLicenseRequest:
                Send(EmulatedServerAction.PlatformChallenge, output);
                break;
            case ClientLicenseInfo when _options.LicensePool is { } pool:
                // [MS-RDPELE 3.2.5.3]: a CAL that needs an upgrade goes through the challenge; any other is accepted.
                if (pool.WantsUpgrade(ClientHardwareId!.Value, PresentedLicense!.Value.Span))
                {
                    Send(EmulatedServerAction.PlatformChallenge, output);
                    break;
                }

                Send(EmulatedServerAction.ValidClient, output);
                _finished = true;
                break;
            case ClientPlatformChallengeResponse when _options.LicensePool is { } pool:
                AnswerFromPool(pool, output);
                _finished = true;
                break;
            case ClientLicenseInfo when _options.UpgradePresentedLicenses:
                Send(EmulatedServerAction.PlatformChallenge, output);
                break;
            case ClientLicenseInfo:
                Send(EmulatedServerAction.ValidClient, output);
                _finished = true;
                break;
            case ClientPlatformChallengeResponse:
                Send(_presentedLicense ? EmulatedServerAction.UpgradeLicense : EmulatedServerAction.NewLicense, output);
                _finished = true;
                break;
            default:
                _finished = true;
                break;
        }
    }

    // [MS-RDPELE 3.2.5.5], the license server reachable: a new license (case 6, temporary on a first connection), an
    // upgraded one (case 5), the old one handed back (case 4), or ERR_INVALID_CLIENT past the grace period (case 3).
    private void AnswerFromPool(EmulatedLicensePool pool, IBufferWriter<byte> output)
    {
        ClientHardwareId hardwareId = ClientHardwareId!.Value;
        if (!_presentedLicense)
        {
            EmulatedPoolLicense first = pool.IssueFirst(hardwareId);
            _poolLicense = MintLicense(Context(upgrade: false), first);
            Issued = new EmulatedIssuedLicense(LicensingMessageType.NewLicense, first.Temporary, first.NotBefore, first.NotAfter, Returned: false);
            Send(EmulatedServerAction.NewLicense, output);
            return;
        }

        EmulatedPoolDecision decision = pool.Upgrade(hardwareId, PresentedLicense!.Value.Span);
        switch (decision.Answer)
        {
            case EmulatedPoolAnswer.Issue:
                _poolLicense = MintLicense(Context(upgrade: true), decision.License!);
                Issued = new EmulatedIssuedLicense(LicensingMessageType.UpgradeLicense, decision.License!.Temporary, decision.License.NotBefore, decision.License.NotAfter, Returned: false);
                Send(EmulatedServerAction.UpgradeLicense, output);
                break;
            case EmulatedPoolAnswer.ReturnPresented:
                _poolLicense = PresentedLicense;
                Issued = IssuedFrom(LicensingMessageType.UpgradeLicense, PresentedLicense!.Value, returned: true);
                Send(EmulatedServerAction.UpgradeLicense, output);
                break;
            default:
                Send(EmulatedServerAction.ErrorAlert(LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort), output);
                break;
        }
    }

    private EmulatedLicenseContext Context(bool upgrade) => new(ClientHardwareId, ClientNames?.UserName, ClientNames?.MachineName, PresentedLicense, upgrade);

    private void Send(EmulatedServerAction action, IBufferWriter<byte> output)
    {
        if (action is EmulatedServerAction.SendErrorAlert sent)
        {
            LastAlert = (sent.Code, sent.Transition);
        }

        LicensingPdu? pdu = action switch
        {
            EmulatedServerAction.SendLicenseRequest => BuildLicenseRequest(),
            EmulatedServerAction.SendPlatformChallenge challenge => BuildPlatformChallenge(challenge.CorruptMac),
            EmulatedServerAction.SendNewLicense license => BuildNewLicense(license.Upgrade, license.CorruptMac),
            EmulatedServerAction.SendErrorAlert alert => new LicenseErrorAlert(
                Preamble(LicensingMessageType.ErrorAlert),
                Header(),
                alert.Code,
                alert.Transition,
                new LicenseBinaryBlob((ushort)BinaryBlobType.Error, ReadOnlyMemory<byte>.Empty)),
            _ => null,
        };

        if (action is EmulatedServerAction.SendRaw raw)
        {
            output.Write(raw.Bytes.Span);
            return;
        }

        if (pdu is null)
        {
            return;
        }

        pdu.Encode(output, pdu.SecurityHeader is not null);
    }

    private static EmulatedIssuedLicense IssuedFrom(LicensingMessageType message, ReadOnlyMemory<byte> license, bool returned)
    {
        bool temporary = false;
        DateTimeOffset? notBefore = null, notAfter = null;
        if (Cal.ClientAccessLicense.TryDecode(license.Span, out Cal.ClientAccessLicense? cal, out _))
        {
            temporary = cal.IsTemporary;
            notBefore = cal.Leaf.NotBefore;
            notAfter = cal.Leaf.NotAfter;
        }

        return new EmulatedIssuedLicense(message, temporary, notBefore, notAfter, returned);
    }

    private ServerLicenseRequest BuildLicenseRequest()
    {
        _serverRandom = new byte[ServerRandomLength];
        _random.GetBytes(_serverRandom);
        _keys = null;
        _presentedLicense = false;
        _poolLicense = null;
        return new ServerLicenseRequest(
            Preamble(LicensingMessageType.LicenseRequest),
            Header(),
            _serverRandom,
            new ProductInfo(_options.ProductVersion, _options.CompanyName, _options.ProductId),
            [KeyExchangeAlgorithmRsa],
            _options.IncludeCertificate ? _certificate : null,
            _options.Scopes);
    }

    private ServerPlatformChallenge? BuildPlatformChallenge(bool corruptMac)
    {
        if (RequireKeys("PLATFORM_CHALLENGE") is not { } keys)
        {
            return null;
        }

        _challenge = new byte[PlatformChallengeLength];
        _random.GetBytes(_challenge);
        byte[] encrypted = new byte[_challenge.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, _challenge, encrypted);
        byte[] mac = new byte[LicensingMac.Length];
        LicensingMac.Compute(keys.MacSaltKey.Span, _challenge, mac);
        if (corruptMac)
        {
            mac[0] ^= 0x01;
        }

        return new ServerPlatformChallenge(
            Preamble(LicensingMessageType.PlatformChallenge),
            Header(),
            0,
            new LicenseBinaryBlob((ushort)BinaryBlobType.Any, encrypted),
            mac);
    }

    private ServerNewLicense? BuildNewLicense(bool upgrade, bool corruptMac)
    {
        if (RequireKeys(upgrade ? "UPGRADE_LICENSE" : "NEW_LICENSE") is not { } keys)
        {
            return null;
        }

        EmulatedLicenseContext context = Context(upgrade);
        ReadOnlyMemory<byte> license = _poolLicense ?? _options.LicenseFactory?.Invoke(context) ?? MintLicense(context);
        if (_poolLicense is null)
        {
            Issued = IssuedFrom(upgrade ? LicensingMessageType.UpgradeLicense : LicensingMessageType.NewLicense, license, returned: false);
        }

        var info = new NewLicenseInfo(_options.ProductVersion, _options.Scopes[0], _options.CompanyName, _options.ProductId, license);
        byte[] plaintext = info.ToArray();
        byte[] encrypted = new byte[plaintext.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, plaintext, encrypted);
        byte[] mac = new byte[LicensingMac.Length];
        LicensingMac.Compute(keys.MacSaltKey.Span, plaintext, mac);
        if (corruptMac)
        {
            mac[^1] ^= 0x80;
        }

        return new ServerNewLicense(
            Preamble(upgrade ? LicensingMessageType.UpgradeLicense : LicensingMessageType.NewLicense),
            Header(),
            new LicenseBinaryBlob((ushort)BinaryBlobType.EncryptedData, encrypted),
            mac);
    }

    // A first issue is temporary for 90 days; an upgrade (the client presented a CAL and passed the challenge) gets a
    // permanent one for a random 52 to 89 days, as Microsoft documents RDS per-device CALs.
    private byte[] MintLicense(EmulatedLicenseContext context)
    {
        DateTimeOffset now = _options.Time.GetUtcNow();
        now = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        Span<byte> days = stackalloc byte[1];
        _random.GetBytes(days);
        bool temporary = !context.Upgrade;
        return MintLicense(context, temporary, now, now.AddDays(temporary ? 90 : 52 + days[0] % 38), ++_serial);
    }

    // The pool's CAL: its kind, dates and serial number are the pool's books, so the CAL says what the pool counts.
    private byte[] MintLicense(EmulatedLicenseContext context, EmulatedPoolLicense license)
        => MintLicense(context, license.Temporary, license.NotBefore, license.NotAfter, license.SerialNumber);

    private byte[] MintLicense(EmulatedLicenseContext context, bool temporary, DateTimeOffset notBefore, DateTimeOffset notAfter, ulong serialNumber)
    {
        (string machine, string user) = (context.MachineName ?? "?", context.UserName ?? "?");
        if (context.PresentedLicense is { } presented && Cal.ClientAccessLicense.TryDecode(presented.Span, out Cal.ClientAccessLicense? cal, out _))
        {
            machine = context.MachineName ?? cal.IssuedToMachine ?? machine;
            user = context.UserName ?? cal.IssuedToUser ?? user;
        }

        ushort major = (ushort)(_options.ProductVersion >> 16);
        ushort minor = (ushort)_options.ProductVersion;
        _minter ??= new CalMinter(_key, EmulatorKeys.Rsa512.PublicKey, _options.ServerName, _options.ServerId, _options.Scopes[0], notBefore.AddYears(-1));
        return _minter.Mint(new CalMintRequest
        {
            HardwareId = context.HardwareId ?? default,
            MachineName = machine,
            UserName = user,
            RequestedProductId = _options.ProductId,
            LicenseId = $"{_options.ProductId}-{major}.{minor:00}-S",
            MajorVersion = major,
            MinorVersion = minor,
            Temporary = temporary,
            NotBefore = notBefore,
            NotAfter = notAfter,
            SerialNumber = serialNumber,
        });
    }

    private bool OnNewLicenseRequest(ClientNewLicenseRequest request)
    {
        ClientNames = (request.ClientUserName, request.ClientMachineName);
        _presentedLicense = false;
        return DeriveKeys(request.PreferredKeyExchangeAlgorithm, request.ClientRandom, request.EncryptedPreMasterSecret);
    }

    private bool OnLicenseInfo(ClientLicenseInfo info)
    {
        PresentedLicense = info.LicenseInfo.Data.ToArray();
        _presentedLicense = true;
        if (!DeriveKeys(info.PreferredKeyExchangeAlgorithm, info.ClientRandom, info.EncryptedPreMasterSecret))
        {
            return false;
        }

        // [MS-RDPELE 2.2.2.3]: the HWID is encrypted with the licensing key; the MAC covers it in the clear.
        ReadOnlySpan<byte> encrypted = info.EncryptedHardwareId.Data.Span;
        byte[] hardwareId = new byte[encrypted.Length];
        Rc4.Transform(_keys!.LicensingEncryptionKey.Span, encrypted, hardwareId);
        bool macVerified = LicensingMac.Verify(_keys.MacSaltKey.Span, hardwareId, info.MacData.Span);
        _macChecks.Add((LicensingMessageType.LicenseInfo, macVerified));
        if (!macVerified)
        {
            return Violation("the MAC of LICENSE_INFO does not verify over the decrypted HWID");
        }

        return ReadHardwareId(hardwareId, "LICENSE_INFO");
    }

    private bool OnPlatformChallengeResponse(ClientPlatformChallengeResponse response)
    {
        if (RequireKeys("PLATFORM_CHALLENGE_RESPONSE") is not { } keys)
        {
            return false;
        }

        if (_challenge is null)
        {
            return Violation("PLATFORM_CHALLENGE_RESPONSE before any PLATFORM_CHALLENGE");
        }

        ReadOnlySpan<byte> encryptedData = response.EncryptedPlatformChallengeResponse.Data.Span;
        ReadOnlySpan<byte> encryptedHardwareId = response.EncryptedHardwareId.Data.Span;
        byte[] macInput = new byte[encryptedData.Length + encryptedHardwareId.Length];
        Span<byte> data = macInput.AsSpan(0, encryptedData.Length);
        Span<byte> hardwareId = macInput.AsSpan(encryptedData.Length);
        // Each part from a fresh RC4 state; one MAC over both plaintexts, response data first ([MS-RDPELE 2.2.2.5]).
        Rc4.Transform(keys.LicensingEncryptionKey.Span, encryptedData, data);
        Rc4.Transform(keys.LicensingEncryptionKey.Span, encryptedHardwareId, hardwareId);
        bool macVerified = LicensingMac.Verify(keys.MacSaltKey.Span, macInput, response.MacData.Span);
        _macChecks.Add((LicensingMessageType.PlatformChallengeResponse, macVerified));
        if (!macVerified)
        {
            return Violation("the MAC of PLATFORM_CHALLENGE_RESPONSE does not verify over response data + HWID");
        }

        if (data.SequenceEqual(_challenge))
        {
            // rdesktop echoes the encrypted challenge itself and MACs challenge + HWID: the challenge came back and the
            // MAC holds, but not in the PLATFORM_CHALLENGE_RESPONSE_DATA layout of [MS-RDPELE 2.2.2.5.1].
            Quirk("challenge-response-layout", "EncryptedPlatformChallengeResponse is the challenge itself, not PLATFORM_CHALLENGE_RESPONSE_DATA (wVersion, wClientType, wLicenseDetailLevel, cbChallenge, pbChallenge)");
            return ReadHardwareId(hardwareId, "PLATFORM_CHALLENGE_RESPONSE");
        }

        if (!PlatformChallengeResponseData.TryDecode(data, out PlatformChallengeResponseData? responseData, out DecodeError error))
        {
            return Violation($"PLATFORM_CHALLENGE_RESPONSE_DATA is malformed: {error}");
        }

        if (responseData.Version != PlatformChallengeResponseData.CurrentVersion)
        {
            Violation($"PLATFORM_CHALLENGE_RESPONSE_DATA wVersion is 0x{responseData.Version:x4}, not 0x0100");
        }

        if (responseData.LicenseDetailLevel != PlatformChallengeResponseData.LicenseDetailDetail)
        {
            Violation($"wLicenseDetailLevel is {responseData.LicenseDetailLevel}, an RDP 5.0+ client sends LICENSE_DETAIL_DETAIL (3)");
        }

        if (!responseData.Challenge.Span.SequenceEqual(_challenge))
        {
            return Violation("the platform challenge was not echoed back unchanged");
        }

        return ReadHardwareId(hardwareId, "PLATFORM_CHALLENGE_RESPONSE");
    }

    private bool OnClientAlert(LicenseErrorAlert alert)
    {
        ClientAlert = (alert.ErrorCode, alert.StateTransition);
        _finished = true;
        return true;
    }

    private bool DeriveKeys(uint keyExchangeAlgorithm, ReadOnlyMemory<byte> clientRandom, LicenseBinaryBlob encryptedPreMasterSecret)
    {
        if (keyExchangeAlgorithm != KeyExchangeAlgorithmRsa)
        {
            Violation($"PreferredKeyExchangeAlg is {keyExchangeAlgorithm}, not KEY_EXCHANGE_ALG_RSA (1)");
        }

        if (encryptedPreMasterSecret.BlobType != (ushort)BinaryBlobType.Random)
        {
            Violation($"EncryptedPreMasterSecret has blob type 0x{encryptedPreMasterSecret.BlobType:x4}, not BB_RANDOM_BLOB");
        }

        Span<byte> preMasterSecret = stackalloc byte[48];
        ReadOnlySpan<byte> encrypted = encryptedPreMasterSecret.Data.Span;
        if (!encrypted.IsEmpty && !encrypted.ContainsAnyExcept((byte)0))
        {
            // rdesktop sends zeros and no RSA at all (its licence.c: "null client keys"): 0^e = 0, so the premaster
            // secret it uses is 48 zero bytes, whatever the length it wrote.
            string length = encrypted.Length == _key.ModulusLength + RsaPublicKey.WirePaddingLength ? string.Empty : $", {encrypted.Length} bytes instead of the modulus length + 8 ({_key.ModulusLength + RsaPublicKey.WirePaddingLength})";
            Quirk("zero-premaster", $"EncryptedPreMasterSecret is all zeros (no RSA: the premaster secret is 48 zero bytes){length}");
            preMasterSecret.Clear();
        }
        else if (encrypted.Length != _key.ModulusLength + RsaPublicKey.WirePaddingLength)
        {
            return Violation($"EncryptedPreMasterSecret is {encrypted.Length} bytes, not the modulus length + 8 ({_key.ModulusLength + RsaPublicKey.WirePaddingLength})");
        }
        else if (!_key.TryDecryptPreMasterSecret(encrypted, preMasterSecret))
        {
            return Violation("EncryptedPreMasterSecret does not decrypt under the server key");
        }

        if (_serverRandom is null)
        {
            return Violation("a client request before any LICENSE_REQUEST");
        }

        _keys = LicensingSessionKeys.Derive(preMasterSecret, clientRandom.Span, _serverRandom);
        if (_options.RecordSecrets)
        {
            RecordedSecrets = (clientRandom.ToArray(), preMasterSecret.ToArray());
        }

        return true;
    }

    private bool ReadHardwareId(ReadOnlySpan<byte> bytes, string where)
    {
        if (!Pdu.ClientHardwareId.TryDecode(bytes, out ClientHardwareId hardwareId, out DecodeError error))
        {
            return Violation($"the HWID in {where} is malformed: {error}");
        }

        if (ClientHardwareId is { } earlier && earlier != hardwareId)
        {
            Violation($"the HWID in {where} differs from the one the client sent before");
        }

        ClientHardwareId = hardwareId;
        return true;
    }

    private void CheckPreamble(LicensingPdu pdu)
    {
        if (pdu.Preamble.Version is not (LicensePreamble.PreambleVersion2 or LicensePreamble.PreambleVersion3))
        {
            Violation($"preamble version {pdu.Preamble.Version}");
        }
    }

    // Without keys (the client's premaster did not decrypt, or a script sends out of order) the server cannot go on:
    // it notes why and stops, as a real server would drop the connection.
    private LicensingSessionKeys? RequireKeys(string what)
    {
        if (_keys is null)
        {
            Violation($"no session keys for {what}: the client sent no usable NEW_LICENSE_REQUEST or LICENSE_INFO before it");
            _finished = true;
        }

        return _keys;
    }

    private bool Violation(string what)
    {
        _violations.Add(what);
        return false;
    }

    // Something real clients do that the spec does not allow: noted as a violation and by its short name.
    private void Quirk(string name, string what)
    {
        _violations.Add(what);
        _quirks.Add(name);
    }

    private LicensePreamble Preamble(LicensingMessageType type) => new(type, _options.PreambleVersion, 0);

    private SecurityHeader? Header() => _options.SecurityHeader ? new SecurityHeader(SecurityHeader.SecLicensePkt, 0) : null;

    private const uint KeyExchangeAlgorithmRsa = 1;
}
