using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// [MS-RDPBCGR 1.3.1.1, 3.3.5] The server side of the RDP connection sequence up to licensing and one step past it, as
/// a sans-I/O state machine: it takes one whole client frame at a time (a TPKT packet; fast-path PDUs once the client
/// may send them), writes its answers (whole TPKT packets) into the caller's buffer and says what it needs next (TLS
/// is the caller's, <see cref="ServeStatus.StartTls"/>). X.224 negotiation, MCS Connect Response with the server's
/// core/security/network data, Erect Domain, Attach User and Channel Join confirms, the Security Exchange decrypted
/// with the server key and Standard RDP Security in every method, the Client Info PDU, then licensing by
/// <see cref="EmulatedLicenseServer"/> with the shared pool, then Demand Active or the Set Error Info the plan asks for,
/// and a disconnect. Malformed or out-of-place input ends the connection with a failure that names the field and
/// offset; nothing here throws on client bytes. What happened is in <see cref="Record"/>.
/// </summary>
public sealed class RdpServerConnection
{
    private const int ClientRandomLength = 32;

    private readonly RdpServerOptions _options;
    private readonly ServeConnectionPlan _plan;
    private readonly IRandomSource _random;
    private readonly EmulatedLicenseServer _license;
    private readonly HashSet<ushort> _joinable = [];

    private State _state = State.AwaitingConnectionRequest;
    private bool _standardSecurity;
    private EncryptionMethods _method = EncryptionMethods.None;
    private byte[] _serverRandom = [];
    private StandardSecurityCipher? _cipher;
    private int _pdus;
    private int _licensingPdus;
    private uint _shareId;
    private bool _observed;

    /// <param name="options">Security, encryption, certificate, strictness and the shared pool.</param>
    /// <param name="plan">What this connection gets (the script's entry, or the default).</param>
    /// <param name="random">Server random, share ID and the license server's randomness.</param>
    /// <param name="record">Where what happened is kept (the driver fills in address, times and byte counts).</param>
    public RdpServerConnection(RdpServerOptions options, ServeConnectionPlan plan, IRandomSource random, ServeConnectionRecord record)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(record);
        _options = options;
        _plan = plan;
        _random = random;
        Record = record;
        Record.ScriptEntry = plan.Entry;
        _license = new EmulatedLicenseServer(random, plan.LicensingScript, new EmulatedLicenseServerOptions
        {
            LicensePool = options.Pool,
            Time = options.Time,
            CertificateKind = options.Certificate,
            Strict = options.Strict,
            RecordSecrets = options.RecordSecrets,
        });
    }

    private enum State
    {
        AwaitingConnectionRequest,
        AwaitingTls,
        AwaitingConnectInitial,
        AwaitingAttachUser,
        AwaitingChannelJoins,
        AwaitingClientInfo,
        Licensing,
        AwaitingConfirmActive,
        Active,
        Ended,
    }

    /// <summary>What the connection did so far.</summary>
    public ServeConnectionRecord Record { get; }

    /// <summary>Where the sequence stands.</summary>
    public ServePhase Phase { get; private set; } = ServePhase.ConnectionInitiation;

    /// <summary>Whether the connection has ended (closed or failed): the driver stops reading.</summary>
    public bool IsEnded => _state == State.Ended;

    /// <summary>Whether fast-path PDUs may arrive now (once Demand Active is out, clients may start them).</summary>
    public bool AcceptsFastPath => _state is State.AwaitingConfirmActive or State.Active;

    /// <summary>The emulated license server of this connection (its observations back the record).</summary>
    public EmulatedLicenseServer License => _license;

    /// <summary>The TLS handshake the server asked for completed: the client's MCS Connect Initial comes next, inside TLS.</summary>
    public void TlsEstablished(string? cipherSuite)
    {
        if (_state != State.AwaitingTls)
        {
            throw new InvalidOperationException("No TLS handshake was asked for.");
        }

        Record.TlsCipherSuite = cipherSuite;
        _state = State.AwaitingConnectInitial;
        Phase = ServePhase.BasicSettingsExchange;
    }

    /// <summary>Consumes one whole frame from the client (a TPKT packet, or a fast-path PDU when <see cref="AcceptsFastPath"/>).</summary>
    public ServeStatus Step(ReadOnlySpan<byte> frame, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state is State.Ended or State.AwaitingTls)
        {
            throw new InvalidOperationException($"No PDU is expected in state {_state}.");
        }

        if (++_pdus > _options.MaxPdus)
        {
            return Fail(ServeFailureReason.LimitExceeded, $"the client sent more than {_options.MaxPdus} PDUs");
        }

        if (frame.IsEmpty || FastPathFrame.IsFastPath(frame[0]))
        {
            // Fast-path input once the client is active is routine (it may start before Confirm Active is read); elsewhere it does not belong.
            return AcceptsFastPath ? ServeStatus.AwaitingPdu : Fail(ServeFailureReason.UnexpectedPdu, $"a fast-path PDU during {Phase}");
        }

        return _state switch
        {
            State.AwaitingConnectionRequest => OnConnectionRequest(frame, output),
            State.AwaitingConnectInitial => OnConnectInitial(frame, output),
            _ => OnDomainPdu(frame, output),
        };
    }

    /// <summary>
    /// The driver's wait for Confirm Active ran out (or the client closed first): with Demand Active out, that is the
    /// end of the sequence; before it, the connection failed.
    /// </summary>
    public ServeStatus End(ServeFailureReason reason, string detail, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state == State.Ended)
        {
            return ServeStatus.Close;
        }

        if (_state is State.AwaitingConfirmActive or State.Active)
        {
            if (reason != ServeFailureReason.ConnectionClosed)
            {
                WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
            }

            return Finish();
        }

        return Fail(reason, detail);
    }

    // ---- Connection Initiation [MS-RDPBCGR 3.3.5.3.1, 3.3.5.3.2] ----

    private ServeStatus OnConnectionRequest(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        if (!X224ConnectionRequest.TryDecode(packet, out X224ConnectionRequest? request, out DecodeError error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the X.224 Connection Request is malformed: {error}");
        }

        Record.Cookie = request.Cookie is null ? null : ServeConnectionRecord.Bounded(request.Cookie);
        Record.RequestedProtocols = (uint?)request.RequestedProtocols;
        NegotiationProtocols requested = request.RequestedProtocols ?? NegotiationProtocols.Rdp;
        bool wantsTls = request.RequestedProtocols is { } protocols && protocols.HasFlag(NegotiationProtocols.Ssl);
        bool useTls = wantsTls && _options.Security != ServerSecurityMode.Rdp;
        if (!useTls && _options.Security == ServerSecurityMode.Tls)
        {
            // [MS-RDPBCGR 2.2.1.2.2]: the server requires TLS; "if only CredSSP was requested then the server only supports TLS".
            Write(output, new X224ConnectionConfirm(null, 0, NegotiationFailureCode.SslRequiredByServer).ToArray());
            Record.Security = RdpSpecNames.NegotiationFailure(NegotiationFailureCode.SslRequiredByServer);
            return Fail(ServeFailureReason.NegotiationRefused, $"the client asked for {RdpSpecNames.Protocol(requested)}; this server takes TLS only");
        }

        // [MS-RDPBCGR 3.3.5.3.2]: no rdpNegData when the client sent none; else RDP_NEG_RSP with the protocol chosen.
        NegotiationProtocols? selected = request.RequestedProtocols is null ? null : useTls ? NegotiationProtocols.Ssl : NegotiationProtocols.Rdp;
        Write(output, new X224ConnectionConfirm(selected).ToArray());
        if (useTls)
        {
            Record.Security = "tls";
            _state = State.AwaitingTls;
            Phase = ServePhase.TlsHandshake;
            return ServeStatus.StartTls;
        }

        Record.Security = "rdp";
        _standardSecurity = true;
        _state = State.AwaitingConnectInitial;
        Phase = ServePhase.BasicSettingsExchange;
        return ServeStatus.AwaitingPdu;
    }

    // ---- Basic Settings Exchange [MS-RDPBCGR 3.3.5.3.3, 3.3.5.3.4] ----

    private ServeStatus OnConnectInitial(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        if (!X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out DecodeError error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the client's first PDU after the X.224 exchange is not X.224 data: {error}");
        }

        if (!McsConnectInitial.TryDecode(mcs, out McsConnectInitial? initial, out error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the MCS Connect Initial is malformed (offsets within the MCS PDU): {error}");
        }

        if (!GccConferenceCreateRequest.TryDecode(initial.UserData, 0, out GccConferenceCreateRequest? gcc, out error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the GCC Conference Create Request is malformed (offsets within its userData): {error}");
        }

        Record.ClientName = ServeConnectionRecord.Bounded(gcc.Core.ClientName);
        Record.ClientBuild = gcc.Core.ClientBuild;
        EncryptionMethods method = EncryptionMethods.None;
        if (_standardSecurity && _options.Encryption != EncryptionMethods.None)
        {
            // [MS-RDPBCGR 5.3.2]: the server picks the method; one the client does not offer ends the connection.
            if ((gcc.Security.EncryptionMethods & _options.Encryption) == 0)
            {
                return Fail(ServeFailureReason.EncryptionNotOffered, $"the client offers {Methods(gcc.Security.EncryptionMethods)}, not {RdpSpecNames.EncryptionMethod(_options.Encryption)}");
            }

            method = _options.Encryption;
        }

        _method = method;
        Record.EncryptionMethod = RdpSpecNames.EncryptionMethod(method);
        ServerSecurityData security;
        if (method == EncryptionMethods.None)
        {
            security = new ServerSecurityData(EncryptionMethods.None, EncryptionLevel.None);
        }
        else
        {
            _serverRandom = new byte[ServerSecurityData.ServerRandomLength];
            _random.GetBytes(_serverRandom);
            byte[] certificate = _license.Certificate.ToArray();
            security = new ServerSecurityData(method, Level(method), _serverRandom, certificate, _license.Certificate);
        }

        var channelIds = new ushort[gcc.Network.Channels.Count];
        for (int i = 0; i < channelIds.Length; i++)
        {
            channelIds[i] = (ushort)(RdpServerOptions.FirstStaticChannelId + i);
            _joinable.Add(channelIds[i]);
        }

        _joinable.Add(RdpServerOptions.ClientUserId);
        _joinable.Add(RdpServerOptions.IoChannelId);
        var response = new GccConferenceCreateResponse(
            new ServerCoreData(_options.ServerVersion, Record.RequestedProtocols, Record.RequestedProtocols is null ? null : 0u),
            security,
            new ServerNetworkData(RdpServerOptions.IoChannelId, channelIds));
        var parameters = new DomainParameters(34, 3, 0, 1, 0, 1, 0xFFF8, 2);
        Write(output, X224Data.Wrap(new McsConnectResponse(0, 0, parameters, response.ToArray()).ToArray()));
        _state = State.AwaitingAttachUser;
        Phase = ServePhase.ChannelConnection;
        return ServeStatus.AwaitingPdu;
    }

    private static EncryptionLevel Level(EncryptionMethods method) => method switch
    {
        EncryptionMethods.Fips => EncryptionLevel.Fips,
        EncryptionMethods.Bits128 => EncryptionLevel.High,
        _ => EncryptionLevel.ClientCompatible,
    };

    private static string Methods(EncryptionMethods methods)
    {
        if (methods == EncryptionMethods.None)
        {
            return "no encryption method";
        }

        var names = new List<string>();
        foreach (EncryptionMethods one in (ReadOnlySpan<EncryptionMethods>)[EncryptionMethods.Bits40, EncryptionMethods.Bits56, EncryptionMethods.Bits128, EncryptionMethods.Fips])
        {
            if (methods.HasFlag(one))
            {
                names.Add(RdpSpecNames.EncryptionMethod(one));
            }
        }

        return string.Join(" | ", names);
    }

    // ---- Channel Connection, Secure Settings, Licensing, Capabilities [MS-RDPBCGR 3.3.5.3.5 – 3.3.5.3.13] ----

    private ServeStatus OnDomainPdu(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        if (!X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out DecodeError error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"a client PDU is not X.224 data: {error}");
        }

        if (!McsDomainPdu.TryDecode(mcs.ToArray(), X224Data.FrameOverhead, out McsDomainPdu? pdu, out error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"a client MCS PDU is malformed: {error}");
        }

        if (pdu.Type == McsDomainPduType.DisconnectProviderUltimatum)
        {
            return _state is State.AwaitingConfirmActive or State.Active
                ? Finish()
                : Fail(ServeFailureReason.ClientDisconnected, $"the client sent Disconnect Provider Ultimatum (reason {pdu.Reason}) during {Phase}");
        }

        switch (_state, pdu.Type)
        {
            case (State.AwaitingAttachUser, McsDomainPduType.ErectDomainRequest):
                return ServeStatus.AwaitingPdu;
            case (State.AwaitingAttachUser, McsDomainPduType.AttachUserRequest):
                // [MS-RDPBCGR 2.2.1.7]: rt-successful, and the user channel the client then joins.
                WriteMcs(output, McsDomainPdu.EncodeAttachUserConfirm(0, RdpServerOptions.ClientUserId));
                _state = State.AwaitingChannelJoins;
                return ServeStatus.AwaitingPdu;
            case (State.AwaitingChannelJoins, McsDomainPduType.ChannelJoinRequest):
                // [T125] 11.22: rt-no-such-channel (3) for a channel the server never allocated.
                WriteMcs(output, McsDomainPdu.EncodeChannelJoinConfirm(_joinable.Contains(pdu.ChannelId) ? (byte)0 : (byte)3, RdpServerOptions.ClientUserId, pdu.ChannelId));
                return ServeStatus.AwaitingPdu;
            case (State.Active, _):
                // Synchronize, Control, Font List, input, channel data: an active client's traffic, not answered.
                return ServeStatus.AwaitingPdu;
            case (State.AwaitingChannelJoins or State.AwaitingClientInfo or State.Licensing or State.AwaitingConfirmActive, McsDomainPduType.SendDataRequest):
                return pdu.ChannelId != RdpServerOptions.IoChannelId
                    ? ServeStatus.AwaitingPdu // a static channel's data (none is served): not part of this sequence
                    : OnIoChannelData(pdu.Data.Span, output);
            default:
                return Fail(ServeFailureReason.UnexpectedPdu, $"the client sent {pdu.Type} during {Phase}");
        }
    }

    private ServeStatus OnIoChannelData(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (_state == State.AwaitingChannelJoins)
        {
            _state = State.AwaitingClientInfo;
            Phase = ServePhase.SecureSettingsExchange;
            if (_method != EncryptionMethods.None)
            {
                return OnSecurityExchange(data);
            }
        }

        if (_state == State.AwaitingConfirmActive)
        {
            return OnCapabilities(data, output);
        }

        if (!SecurityHeaderCodec.TryOpen(_cipher, data, out SecurityFlags flags, out byte[] payload))
        {
            return Fail(ServeFailureReason.SecurityFailed, $"a client PDU of {data.Length} bytes during {Phase} is shorter than its security header, or fails its MAC");
        }

        if ((flags & SecurityFlags.Encrypt) != 0)
        {
            Record.SaltedMac ??= (flags & SecurityFlags.SecureChecksum) != 0;
        }

        if (_state == State.AwaitingClientInfo && (flags & SecurityFlags.ExchangePkt) != 0 && _method == EncryptionMethods.None)
        {
            // rdesktop sends a Security Exchange PDU even when the server chose no encryption: nothing to decrypt it for.
            Record.Notes.Add("the client sent a Security Exchange PDU although the server chose ENCRYPTION_METHOD_NONE; ignored");
            return ServeStatus.AwaitingPdu;
        }

        if (_state == State.AwaitingClientInfo)
        {
            return (flags & SecurityFlags.InfoPkt) != 0
                ? OnClientInfo(payload, output)
                : Fail(ServeFailureReason.UnexpectedPdu, $"the client sent security flags 0x{(ushort)flags:x4} where the Client Info PDU (SEC_INFO_PKT) belongs");
        }

        // Licensing: the client's licensing PDUs carry SEC_LICENSE_PKT; anything else on the I/O channel is routed past.
        return (flags & SecurityFlags.LicensePkt) != 0 ? OnLicensingPdu(payload, output) : ServeStatus.AwaitingPdu;
    }

    /// <summary>[MS-RDPBCGR 5.3.4.1] The client random, raw RSA under the server key (little-endian, 8 bytes of padding).</summary>
    private ServeStatus OnSecurityExchange(ReadOnlySpan<byte> data)
    {
        if (!SecurityExchangePdu.TryDecode(data, out SecurityExchangePdu? exchange, out DecodeError error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the Security Exchange PDU is malformed: {error}");
        }

        RsaPrivateKey key = _license.Key;
        ReadOnlySpan<byte> encrypted = exchange.EncryptedClientRandom.Span;
        if (encrypted.Length != key.ModulusLength + RsaPublicKey.WirePaddingLength || encrypted[key.ModulusLength..].ContainsAnyExcept((byte)0))
        {
            return Fail(ServeFailureReason.SecurityFailed, $"encryptedClientRandom is {encrypted.Length} bytes, not the modulus length + 8 zero bytes ({key.ModulusLength + RsaPublicKey.WirePaddingLength})");
        }

        byte[] plain = new byte[key.ModulusLength];
        try
        {
            if (!key.TryDecryptRaw(encrypted[..key.ModulusLength], plain) || plain.AsSpan(ClientRandomLength).ContainsAnyExcept((byte)0))
            {
                return Fail(ServeFailureReason.SecurityFailed, "encryptedClientRandom does not decrypt to a 32-byte client random under the server key");
            }

            ReadOnlySpan<byte> clientRandom = plain.AsSpan(0, ClientRandomLength);
            _cipher = _method == EncryptionMethods.Fips
                ? StandardSecurityCipher.CreateFipsForServer(FipsSessionKeys.Derive(clientRandom, _serverRandom))
                : StandardSecurityCipher.CreateRc4ForServer(RdpSessionKeys.Derive(_method == EncryptionMethods.Bits40 ? 40 : _method == EncryptionMethods.Bits56 ? 56 : 128, clientRandom, _serverRandom));
            return ServeStatus.AwaitingPdu;
        }
        finally
        {
            Array.Clear(plain);
        }
    }

    /// <summary>[MS-RDPBCGR 3.3.5.3.11] The Client Info PDU; licensing starts at once.</summary>
    private ServeStatus OnClientInfo(byte[] payload, IBufferWriter<byte> output)
    {
        if (!ClientInfoPacket.TryDecode(payload.AsSpan(SecurityHeader.Length), out ClientInfoPacket? info, out DecodeError error))
        {
            return Fail(ServeFailureReason.MalformedPdu, $"the Client Info PDU is malformed (offsets after its security header): {error}");
        }

        Record.UserName = ServeConnectionRecord.Bounded(info.UserName);
        Record.Domain = info.Domain.Length == 0 ? null : ServeConnectionRecord.Bounded(info.Domain);
        _state = State.Licensing;
        Phase = ServePhase.Licensing;
        var licensing = new ArrayBufferWriter<byte>(1024);
        _license.Start(licensing);
        WriteLicensing(licensing.WrittenMemory, output);
        return _license.IsFinished ? AfterLicensing(output) : ServeStatus.AwaitingPdu;
    }

    private ServeStatus OnLicensingPdu(byte[] payload, IBufferWriter<byte> output)
    {
        if (++_licensingPdus > _options.MaxLicensingPdus)
        {
            return Fail(ServeFailureReason.LimitExceeded, $"the client sent more than {_options.MaxLicensingPdus} licensing PDUs");
        }

        var licensing = new ArrayBufferWriter<byte>(2048);
        _license.Receive(payload, licensing);
        WriteLicensing(licensing.WrittenMemory, output);
        return _license.IsFinished ? AfterLicensing(output) : ServeStatus.AwaitingPdu;
    }

    /// <summary>
    /// Each licensing PDU the license server wrote goes in its own Send Data Indication, in the clear ([MS-RDPBCGR
    /// 2.2.1.12]: servers send licensing PDUs unencrypted; SEC_LICENSE_ENCRYPT_CS only tells the client it may encrypt).
    /// </summary>
    private void WriteLicensing(ReadOnlyMemory<byte> written, IBufferWriter<byte> output)
    {
        var buffer = new ReadOnlySequence<byte>(written);
        while (!buffer.IsEmpty && LicensingPduDecoder.TryReadFrame(buffer, out SequencePosition end, out _, out _) == DecodeStatus.Complete)
        {
            WriteSendData(output, buffer.Slice(0, end).ToArray());
            buffer = buffer.Slice(end);
        }

        if (!buffer.IsEmpty)
        {
            // Raw bytes a hostile-server script asked for: sent as they are, in one PDU.
            WriteSendData(output, buffer.ToArray());
        }
    }

    /// <summary>
    /// Licensing ended: what the license server saw goes into the record; then Set Error Info (when the plan asks for
    /// it) or Demand Active (when the client holds a usable CAL, counting the logon), else a disconnect.
    /// </summary>
    private ServeStatus AfterLicensing(IBufferWriter<byte> output)
    {
        ServeConnectionRecord.LicensingRecord licensing = Record.Licensing;
        CopyLicensingObservations(licensing);
        Phase = ServePhase.CapabilitiesExchange;
        _shareId = 0x00010000u | RdpServerOptions.ServerChannelId;
        if (_plan.ErrorInfo is { } errorInfo)
        {
            // [MS-RDPBCGR 2.2.5.1]: the reason for the disconnect that follows.
            WriteShareControl(output, SetErrorInfoPdu.Encode(_shareId, errorInfo, RdpServerOptions.ServerChannelId));
            WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
            Record.AfterLicensing = "set-error-info";
            Record.ErrorInfo = errorInfo;
            return Finish();
        }

        if (!licensing.Succeeded)
        {
            WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
            return Finish();
        }

        // [MS-RDPBCGR 2.2.1.13.1]: Demand Active opens the capabilities exchange.
        var demandActive = new DemandActivePdu(RdpServerOptions.ServerChannelId, _shareId, "RDP", DemandActivePdu.ServerCapabilities(RdpServerOptions.ServerChannelId, 1024, 768), sessionId: 0);
        WriteShareControl(output, demandActive.ToArray());
        Record.AfterLicensing = "demand-active";
        if (_plan.Logon && _license.ClientHardwareId is { } hardwareId)
        {
            try
            {
                // A connection that got through licensing to Demand Active counts as the logon the pool waits for.
                _options.Pool.RecordLogon(hardwareId);
                Record.Logon = true;
            }
            catch (InvalidOperationException)
            {
                // The client holds a CAL the pool's books do not know (another server's, or books reset): no logon to record.
            }
        }

        _state = State.AwaitingConfirmActive;
        return ServeStatus.AwaitingPdu;
    }

    private void CopyLicensingObservations(ServeConnectionRecord.LicensingRecord licensing)
    {
        if (_observed)
        {
            return;
        }

        _observed = true;
        licensing.Received.AddRange(_license.Received.Select(LicensingSpecNames.MessageType));
        if (_license.ClientNames is { } names)
        {
            licensing.Names = (ServeConnectionRecord.Bounded(names.UserName), ServeConnectionRecord.Bounded(names.MachineName));
        }

        string? calMachine = null;
        if (_license.PresentedLicense is { } presented && ClientAccessLicense.TryDecode(presented.Span, out ClientAccessLicense? cal, out _))
        {
            calMachine = cal.IssuedToMachine;
            licensing.Presented = (cal.IsTemporary, cal.Leaf.NotAfter, calMachine is null ? null : ServeConnectionRecord.Bounded(calMachine));
        }

        if (_license.ClientHardwareId is { } hardwareId)
        {
            licensing.HardwareIdFingerprint = HardwareIdFingerprint.Compute(hardwareId.ToArray());
            licensing.PlatformId = hardwareId.PlatformId;
            string? recipe = HardwareIdRecipes.Identify(hardwareId, [_license.ClientNames?.MachineName, calMachine, Record.ClientName]);
            licensing.HardwareIdRecipe = recipe is null ? null : ServeConnectionRecord.Bounded(recipe);
        }

        foreach ((LicensingMessageType message, bool verified) in _license.MacChecks)
        {
            licensing.Macs.Add((LicensingSpecNames.MessageType(message), verified));
        }

        licensing.Violations.AddRange(_license.Violations);
        licensing.Quirks.AddRange(_license.Quirks);
        licensing.Issued = _license.Issued;
        licensing.Alert = _license.LastAlert;
        licensing.ClientAlert = _license.ClientAlert;
        licensing.Outcome = _license switch
        {
            { ClientAlert: not null } => "client-aborted",
            { LastAlert.Transition: LicensingStateTransition.TotalAbort } => "refused",
            { Issued: { Message: LicensingMessageType.NewLicense } } => "license-issued",
            { Issued: { Returned: true } } => "license-returned",
            { Issued: not null } => "license-upgraded",
            { LastAlert: (LicensingErrorCode.ValidClient, LicensingStateTransition.NoTransition) } => "valid-client",
            _ => "incomplete",
        };
    }

    /// <summary>[MS-RDPBCGR 3.3.5.3.13] The client's Confirm Active: the finalization PDUs follow, then the client is active.</summary>
    private ServeStatus OnCapabilities(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        byte[] payload;
        if (_cipher is null)
        {
            payload = data.ToArray();
        }
        else
        {
            if (!SecurityHeaderCodec.TryOpen(_cipher, data, out _, out byte[] opened))
            {
                return Fail(ServeFailureReason.SecurityFailed, "a client PDU after Demand Active is shorter than its security header, or fails its MAC");
            }

            payload = opened[SecurityHeader.Length..];
        }

        if (ShareControlHeader.TryDecodePdu(payload, 0, out ShareControlHeader header, out _) && header.Kind == SharePduType.ConfirmActive)
        {
            if (!ConfirmActivePdu.TryDecode(payload, out ConfirmActivePdu? confirm, out DecodeError error))
            {
                return Fail(ServeFailureReason.MalformedPdu, $"the Confirm Active PDU is malformed: {error}");
            }

            Record.ConfirmActive = confirm.ShareId == _shareId;

            // [MS-RDPBCGR 3.3.5.3.19 – 3.3.5.3.22] Synchronize, Cooperate, Granted Control, Font Map: the client becomes
            // active (FreeRDP's +auth-only then reports success and leaves); the driver disconnects it if it stays.
            foreach (byte[] pdu in ConnectionFinalization.ServerPdus(RdpServerOptions.ServerChannelId, RdpServerOptions.ClientUserId, _shareId))
            {
                WriteShareControl(output, pdu);
            }

            _state = State.Active;
            return ServeStatus.AwaitingPdu;
        }

        // Synchronize, Control, Font List or input before the Confirm Active is read: nothing to answer.
        return ServeStatus.AwaitingPdu;
    }

    // ---- Output ----

    /// <summary>A Share Control PDU on the I/O channel: encrypted behind a security header under Standard RDP Security with a method, bare otherwise.</summary>
    private void WriteShareControl(IBufferWriter<byte> output, byte[] pdu)
        => WriteSendData(output, _cipher is null ? pdu : SecurityHeaderCodec.Seal(_cipher, SecurityFlags.None, pdu));

    private void WriteSendData(IBufferWriter<byte> output, byte[] data)
        => WriteMcs(output, McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataIndication, RdpServerOptions.ServerChannelId, RdpServerOptions.IoChannelId, data));

    private static void WriteMcs(IBufferWriter<byte> output, byte[] mcs) => Write(output, X224Data.Wrap(mcs));

    private static void Write(IBufferWriter<byte> output, byte[] packet) => output.Write(packet);

    private ServeStatus Finish()
    {
        if (_state == State.Licensing)
        {
            CopyLicensingObservations(Record.Licensing);
        }

        _state = State.Ended;
        Phase = ServePhase.Finished;
        Record.Outcome = "completed";
        return ServeStatus.Close;
    }

    private ServeStatus Fail(ServeFailureReason reason, string detail)
    {
        if (_state == State.Licensing)
        {
            // What licensing saw so far still belongs in the log (the client vanished mid-exchange, say).
            CopyLicensingObservations(Record.Licensing);
        }

        Record.Failure = (reason.ToString(), Phase.ToString(), detail);
        Record.Outcome = "failed";
        _state = State.Ended;
        return ServeStatus.Failed;
    }
}
