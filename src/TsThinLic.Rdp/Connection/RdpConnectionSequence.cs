using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Security;
using TsThinLic.Records;

namespace TsThinLic.Rdp.Connection;

/// <summary>
/// [MS-RDPBCGR 1.3.1.1] The client side of the RDP connection sequence up to licensing and the server's verdict after it,
/// as a sans-I/O state machine: it takes one whole server message at a time (framed as <see cref="Framing"/> says: TPKT,
/// or CredSSP's TSRequest, or HYBRID_EX's 4-byte result), writes its answers into the caller's buffer and says what it
/// needs next. TLS is the caller's (<see cref="ConnectionStatus.StartTls"/>); Network Level Authentication runs here
/// (<see cref="CredSspClient"/>) once the caller hands over the server certificate's public key. The randomness of the
/// connection comes from the injected <see cref="IRandomSource"/> (the client random first, then the licensing
/// client's), so a recorded exchange replays byte for byte; NLA draws from its own source, never recorded. Licensing
/// PDUs are handed to a <see cref="LicensingClient"/>; other Send Data Indications that arrive meanwhile are routed past
/// it (a Set Error Info among them is kept). After the licensing outcome the sequence reads on until the Demand Active
/// PDU, a Set Error Info PDU or a Disconnect Provider Ultimatum: the server's real verdict.
/// </summary>
public sealed class RdpConnectionSequence
{
    /// <summary>The I/O channel ID servers use when SC_NET does not say (it always does).</summary>
    public const ushort DefaultIoChannelId = 1003;

    /// <summary>RNS_UD_CS_SUPPORT_ERRINFO_PDU: the server may send the Set Error Info PDU ([MS-RDPBCGR 2.2.1.3.2]).</summary>
    public const ushort SupportErrorInfoPdu = 0x0001;

    /// <summary>RNS_UD_CS_SUPPORT_SKIP_CHANNELJOIN ([MS-RDPBCGR 2.2.1.3.2]).</summary>
    public const ushort SupportSkipChannelJoin = 0x0800;

    /// <summary>RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED in the server's earlyCapabilityFlags ([MS-RDPBCGR 2.2.1.4.2]).</summary>
    public const uint ServerSkipChannelJoinSupported = 0x00000008;

    private readonly RdpConnectionOptions _options;
    private (ClientIdentity Identity, LicenseStoreSnapshot Stored)? _licensingIdentity;
    private LicensingClientOptions? _licensingOptions;
    private readonly IRandomSource _random;
    private readonly IRandomSource _secretRandom;
    private readonly TimeProvider _time;

    private State _state = State.Initial;
    private readonly Queue<ushort> _channelsToJoin = new();
    private ushort _userId;
    private ushort _ioChannelId = DefaultIoChannelId;
    private StandardSecurityCipher? _cipher;
    private bool _standardSecurity;
    private bool _encrypting;

    /// <param name="options">What the client announces.</param>
    /// <param name="identity">The device's HWID and names for licensing.</param>
    /// <param name="stored">The store's CALs.</param>
    /// <param name="random">The client random and the licensing randoms, in that order (what --record-secrets records).</param>
    /// <param name="secretRandom">NLA's randoms (NTLM client challenge and session key, CredSSP nonce): never recorded; <paramref name="random"/> when null.</param>
    /// <param name="time">NTLM's timestamp when the server sends none; the system clock when null.</param>
    public RdpConnectionSequence(RdpConnectionOptions options, ClientIdentity identity, LicenseStoreSnapshot stored, IRandomSource random, IRandomSource? secretRandom = null, TimeProvider? time = null)
        : this(options, random, secretRandom, time)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(stored);
        _licensingIdentity = (identity, stored);
    }

    /// <summary>
    /// A sequence that asks for the device's identity only when licensing begins ([MS-RDPBCGR] 1.3.1.1, after the Client
    /// Info PDU): <see cref="NeedsLicensingIdentity"/> turns true and the caller answers with
    /// <see cref="ProvideLicensingIdentity"/> before the next PDU. A caller that makes a first use's HWID then commits it
    /// only for a connection that got as far as licensing, so a refused NLA logon or a silent server leaves the store as
    /// it was; the sequence itself never touches a store.
    /// </summary>
    /// <param name="options">What the client announces.</param>
    /// <param name="random">The client random and the licensing randoms, in that order (what --record-secrets records).</param>
    /// <param name="secretRandom">NLA's randoms (NTLM client challenge and session key, CredSSP nonce): never recorded; <paramref name="random"/> when null.</param>
    /// <param name="time">NTLM's timestamp when the server sends none; the system clock when null.</param>
    public RdpConnectionSequence(RdpConnectionOptions options, IRandomSource random, IRandomSource? secretRandom = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        _options = options;
        _random = random;
        _secretRandom = secretRandom ?? random;
        _time = time ?? TimeProvider.System;
    }

    private enum State
    {
        Initial,
        AwaitingConnectionConfirm,
        AwaitingTls,
        AwaitingCredSsp,
        AwaitingEarlyUserAuthorization,
        AwaitingConnectResponse,
        AwaitingAttachUserConfirm,
        AwaitingChannelJoinConfirm,
        AwaitingLicensing,
        AwaitingVerdict,
        Completed,
        Failed,
    }

    /// <summary>How the server's next message is framed.</summary>
    public RdpFraming Framing => _state switch
    {
        State.AwaitingCredSsp => RdpFraming.TsRequest,
        State.AwaitingEarlyUserAuthorization => RdpFraming.EarlyUserAuthorizationResult,
        _ => RdpFraming.Tpkt,
    };

    /// <summary>The CredSSP client, once Network Level Authentication started.</summary>
    public CredSspClient? CredSsp { get; private set; }

    /// <summary>authorizationResult of HYBRID_EX's Early User Authorization Result PDU, once received.</summary>
    public uint? EarlyUserAuthorizationResult { get; private set; }

    /// <summary>Whether the channel joins were skipped (both sides support it).</summary>
    public bool ChannelJoinsSkipped { get; private set; }

    /// <summary>errorInfo of a non-zero Set Error Info PDU seen so far (the server disconnects after it).</summary>
    public uint? ErrorInfo { get; private set; }

    /// <summary>The server's verdict after licensing, once known.</summary>
    public ServerVerdict? Verdict { get; private set; }

    /// <summary>The licensing client's final step, once licensing ended well.</summary>
    public LicensingStepResult? LicensingResult { get; private set; }

    /// <summary>The phase the sequence is in.</summary>
    public ConnectionPhase Phase { get; private set; } = ConnectionPhase.ConnectionInitiation;

    /// <summary>The server's X.224 Connection Confirm, once received.</summary>
    public X224ConnectionConfirm? ConnectionConfirm { get; private set; }

    /// <summary>The protocol the server selected (PROTOCOL_RDP when it sent no RDP_NEG_RSP).</summary>
    public NegotiationProtocols? SelectedProtocol { get; private set; }

    /// <summary>The server's GCC data (core, security, network), once received.</summary>
    public GccConferenceCreateResponse? ServerData { get; private set; }

    /// <summary>The verdict on the GCC server certificate (Standard RDP Security), once checked.</summary>
    public ServerCertificateVerification? ServerCertificateVerification { get; private set; }

    /// <summary>The MCS user channel ID from Attach User Confirm.</summary>
    public ushort UserChannelId => _userId;

    /// <summary>Channels joined, in order (user channel, I/O channel, static channels).</summary>
    public List<ushort> JoinedChannels { get; } = [];

    /// <summary>The client random of the Security Exchange PDU (Standard RDP Security only). Secret: for transcripts, never logs.</summary>
    public ReadOnlyMemory<byte> ClientRandom { get; private set; }

    /// <summary>The licensing client, once licensing started.</summary>
    public LicensingClient? Licensing { get; private set; }

    /// <summary>Send Data Indications that arrived during licensing and were not licensing PDUs.</summary>
    public int RoutedPastLicensing { get; private set; }

    /// <summary>The licensing PDUs (security header included, decrypted), both directions, in order (client = true).</summary>
    public List<(bool FromClient, byte[] Pdu)> LicensingPdus { get; } = [];

    /// <summary>Every PDU written and received, as whole TPKT packets, in order (client = true).</summary>
    public List<(bool FromClient, byte[] Packet)> Transcript { get; } = [];

    /// <summary>Writes the X.224 Connection Request.</summary>
    public ConnectionStepResult Start(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state != State.Initial)
        {
            throw new InvalidOperationException("The sequence has already started.");
        }

        string? cookie = string.IsNullOrEmpty(_options.UserName) ? null : new string(_options.UserName.Where(c => c is > ' ' and < (char)0x7F).Take(64).ToArray());
        var request = new X224ConnectionRequest(string.IsNullOrEmpty(cookie) ? null : cookie, _options.RequestedProtocols);
        int written = Write(output, request.ToArray());
        _state = State.AwaitingConnectionConfirm;
        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written);
    }

    /// <summary>
    /// To be called once the TLS handshake completed. Under PROTOCOL_SSL it writes the MCS Connect Initial (over TLS,
    /// through the caller); under PROTOCOL_HYBRID(_EX) it starts CredSSP, whose pubKeyAuth binds
    /// <paramref name="serverPublicKey"/> (the TLS certificate's SubjectPublicKey).
    /// </summary>
    public ConnectionStepResult TlsEstablished(IBufferWriter<byte> output, ReadOnlyMemory<byte> serverPublicKey = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state != State.AwaitingTls)
        {
            throw new InvalidOperationException("No TLS handshake was asked for.");
        }

        if (SelectedProtocol is not (NegotiationProtocols.Hybrid or NegotiationProtocols.HybridEx))
        {
            return SendConnectInitial(output);
        }

        Phase = ConnectionPhase.NetworkLevelAuthentication;
        if (_options.Credentials is not { } credentials)
        {
            return Fail(ConnectionFailureReason.CredentialsRequired, $"the server selected {RdpSpecNames.Protocol(SelectedProtocol.Value)} (Network Level Authentication), but no credentials were given");
        }

        if (serverPublicKey.IsEmpty)
        {
            return Fail(ConnectionFailureReason.TlsFailed, "Network Level Authentication needs the TLS certificate's public key, and none was read");
        }

        CredSsp = new CredSspClient(credentials, serverPublicKey, _options.Nla, _secretRandom, _time);
        _state = State.AwaitingCredSsp;
        CredSspStepResult step = CredSsp.Start(output);
        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, step.BytesWritten);
    }

    /// <summary>Consumes one whole server message, framed as <see cref="Framing"/> said.</summary>
    public ConnectionStepResult Step(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Framing == RdpFraming.Tpkt)
        {
            Transcript.Add((false, packet.ToArray()));
        }

        return _state switch
        {
            State.AwaitingConnectionConfirm => OnConnectionConfirm(packet, output),
            State.AwaitingCredSsp => OnCredSsp(packet, output),
            State.AwaitingEarlyUserAuthorization => OnEarlyUserAuthorization(packet, output),
            State.AwaitingConnectResponse or State.AwaitingAttachUserConfirm or State.AwaitingChannelJoinConfirm or State.AwaitingLicensing or State.AwaitingVerdict => OnMcs(packet, output),
            State.Completed or State.Failed => throw new InvalidOperationException("The sequence has ended."),
            _ => throw new InvalidOperationException($"No PDU is expected in state {_state}."),
        };
    }

    /// <summary>
    /// The server closed the connection. While the verdict is awaited that is the verdict (a disconnect without an
    /// ultimatum); during NLA it says what probably went wrong; otherwise the attempt failed.
    /// </summary>
    public ConnectionStepResult ConnectionClosed()
    {
        switch (_state)
        {
            case State.AwaitingVerdict:
                return Conclude(new ServerVerdict(ServerVerdictKind.Disconnect, ErrorInfo, detail: "the server closed the connection without a Disconnect Provider Ultimatum"), null);
            case State.AwaitingCredSsp:
                NlaFailure failure = CredSsp!.ConnectionClosed();
                return Fail(ConnectionFailureReason.AuthenticationFailed, $"Network Level Authentication failed: {failure.Message}", nla: failure);
            case State.AwaitingEarlyUserAuthorization:
                var denied = new NlaFailure(NlaFailureReason.AccountRestriction, "the server closed the connection instead of sending the Early User Authorization Result: the account may not log on to it", credentialsSent: true);
                return Fail(ConnectionFailureReason.AuthenticationFailed, $"Network Level Authentication failed: {denied.Message}", nla: denied);
            case State.Completed or State.Failed:
                throw new InvalidOperationException("The sequence has ended.");
            default:
                string errorInfo = ErrorInfo is { } code ? $" after a Set Error Info PDU ({Describe(code)})" : string.Empty;
                return Fail(ConnectionFailureReason.ConnectionClosed, $"the server closed the connection{errorInfo} during {Phase}", errorInfo: ErrorInfo);
        }
    }

    /// <summary>Nothing came within the caller's time for the verdict: that is the verdict (FreeRDP#12004's "timeout waiting for activation").</summary>
    public ConnectionStepResult VerdictTimedOut()
    {
        if (_state != State.AwaitingVerdict)
        {
            throw new InvalidOperationException("No verdict is awaited.");
        }

        return Conclude(new ServerVerdict(ServerVerdictKind.Timeout, ErrorInfo, detail: "no Demand Active, Set Error Info or Disconnect Provider Ultimatum came in time"), null);
    }

    /// <summary>Whether the sequence waits for the server's verdict after licensing.</summary>
    public bool AwaitingVerdict => _state == State.AwaitingVerdict;

    private ConnectionStepResult OnCredSsp(ReadOnlySpan<byte> message, IBufferWriter<byte> output)
    {
        CredSspStepResult step = CredSsp!.Step(message.ToArray(), output);
        switch (step.Status)
        {
            case CredSspStatus.Failed:
                return Fail(ConnectionFailureReason.AuthenticationFailed, $"Network Level Authentication failed: {step.Failure!.Message}", step.Failure.DecodeError, nla: step.Failure);
            case CredSspStatus.Completed when SelectedProtocol == NegotiationProtocols.HybridEx:
                _state = State.AwaitingEarlyUserAuthorization;
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, step.BytesWritten);
            case CredSspStatus.Completed:
                ConnectionStepResult connect = SendConnectInitial(output);
                return new ConnectionStepResult(connect.Status, step.BytesWritten + connect.BytesWritten);
            default:
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, step.BytesWritten);
        }
    }

    // [MS-RDPBCGR 3.2.5.3.2]: under PROTOCOL_HYBRID_EX the server says, after CredSSP, whether the user may log on.
    private ConnectionStepResult OnEarlyUserAuthorization(ReadOnlySpan<byte> pdu, IBufferWriter<byte> output)
    {
        if (pdu.Length != Nla.EarlyUserAuthorizationResult.Length)
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"the Early User Authorization Result is {pdu.Length} bytes, not {Nla.EarlyUserAuthorizationResult.Length}");
        }

        uint result = Nla.EarlyUserAuthorizationResult.Read(pdu);
        EarlyUserAuthorizationResult = result;
        if (result != Nla.EarlyUserAuthorizationResult.Success)
        {
            var denied = new NlaFailure(NlaFailureReason.AccessDenied, $"the server authenticated the user but refused access ({Nla.EarlyUserAuthorizationResult.Name(result)}): the account may not log on through Remote Desktop Services (Remote Desktop Users group, 'Allow log on through Remote Desktop Services')", credentialsSent: true);
            return Fail(ConnectionFailureReason.AuthenticationFailed, $"Network Level Authentication failed: {denied.Message}", nla: denied);
        }

        return SendConnectInitial(output);
    }

    private ConnectionStepResult OnConnectionConfirm(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        if (!X224ConnectionConfirm.TryDecode(packet, out X224ConnectionConfirm? confirm, out DecodeError error))
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"the X.224 Connection Confirm is malformed: {error}", error);
        }

        ConnectionConfirm = confirm;
        if (confirm.Failure is { } failure)
        {
            _state = State.Failed;
            return new ConnectionStepResult(ConnectionStatus.Failed, 0, new ConnectionFailure(ConnectionFailureReason.NegotiationFailed, Phase, $"the server refused {RdpSpecNames.Protocol(_options.RequestedProtocols)}: {RdpSpecNames.NegotiationFailure(failure)}", negotiationFailure: failure));
        }

        NegotiationProtocols selected = confirm.SelectedProtocol ?? NegotiationProtocols.Rdp;
        SelectedProtocol = selected;
        if (selected is NegotiationProtocols.Ssl or NegotiationProtocols.Hybrid or NegotiationProtocols.HybridEx && _options.RequestedProtocols.HasFlag(selected))
        {
            _state = State.AwaitingTls;
            Phase = ConnectionPhase.TlsHandshake;
            return new ConnectionStepResult(ConnectionStatus.StartTls, 0);
        }

        if (selected != NegotiationProtocols.Rdp)
        {
            return Fail(ConnectionFailureReason.ProtocolNotSupported, $"the server selected {RdpSpecNames.Protocol(selected)}, which was not requested or is not implemented");
        }

        _standardSecurity = true;
        return SendConnectInitial(output);
    }

    private ConnectionStepResult SendConnectInitial(IBufferWriter<byte> output)
    {
        var core = new ClientCoreData
        {
            ClientName = _options.ClientName,
            ServerSelectedProtocol = SelectedProtocol ?? NegotiationProtocols.Rdp,
            EarlyCapabilityFlags = (ushort)(SupportErrorInfoPdu | (_options.SkipChannelJoin ? SupportSkipChannelJoin : 0)),
        };
        var gcc = new GccConferenceCreateRequest(core, new ClientSecurityData { EncryptionMethods = _options.EncryptionMethods }, new ClientNetworkData(_options.Channels));
        var initial = new McsConnectInitial(gcc.ToArray());
        int written = Write(output, initial.ToPacket());
        _state = State.AwaitingConnectResponse;
        Phase = ConnectionPhase.BasicSettingsExchange;
        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written);
    }

    private ConnectionStepResult OnMcs(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        if (!X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out DecodeError error))
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"a server PDU is not X.224 data: {error}", error);
        }

        if (_state == State.AwaitingConnectResponse)
        {
            return OnConnectResponse(mcs, output);
        }

        byte[] copy = mcs.ToArray();
        if (!McsDomainPdu.TryDecode(copy, X224Data.FrameOverhead, out McsDomainPdu? pdu, out error))
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"a server MCS PDU is malformed: {error}", error);
        }

        if (pdu.Type == McsDomainPduType.DisconnectProviderUltimatum)
        {
            if (_state == State.AwaitingVerdict)
            {
                return Conclude(new ServerVerdict(ServerVerdictKind.Disconnect, ErrorInfo, pdu.Reason), null);
            }

            string errorInfo = ErrorInfo is { } code ? $", after a Set Error Info PDU: {Describe(code)}" : string.Empty;
            return Fail(ConnectionFailureReason.ServerDisconnected, $"the server sent Disconnect Provider Ultimatum (reason {pdu.Reason}){errorInfo}", errorInfo: ErrorInfo);
        }

        switch (_state)
        {
            case State.AwaitingAttachUserConfirm when pdu.Type == McsDomainPduType.AttachUserConfirm:
                if (pdu.Result != 0 || pdu.Initiator == 0)
                {
                    return Fail(ConnectionFailureReason.McsRefused, $"Attach User Confirm: {McsConnectResponse.ResultName(pdu.Result)}");
                }

                _userId = pdu.Initiator;
                if (_options.SkipChannelJoin && ((ServerData!.Core.EarlyCapabilityFlags ?? 0) & ServerSkipChannelJoinSupported) != 0)
                {
                    // [MS-RDPBCGR 1.3.1.1]: both sides support it, so the channels count as joined without a round trip each.
                    ChannelJoinsSkipped = true;
                    return SendSecuritySettings(output);
                }

                _channelsToJoin.Enqueue(_userId);
                _channelsToJoin.Enqueue(_ioChannelId);
                foreach (ushort id in ServerData!.Network.ChannelIds)
                {
                    if (id != 0)
                    {
                        _channelsToJoin.Enqueue(id);
                    }
                }

                _state = State.AwaitingChannelJoinConfirm;
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, WriteMcs(output, McsDomainPdu.EncodeChannelJoinRequest(_userId, _channelsToJoin.Peek())));

            case State.AwaitingChannelJoinConfirm when pdu.Type == McsDomainPduType.ChannelJoinConfirm:
                {
                    ushort requested = _channelsToJoin.Dequeue();
                    if (pdu.Result != 0)
                    {
                        return Fail(ConnectionFailureReason.McsRefused, $"Channel Join Confirm for channel {requested}: {McsConnectResponse.ResultName(pdu.Result)}");
                    }

                    if (pdu.RequestedChannelId != requested)
                    {
                        return Fail(ConnectionFailureReason.UnexpectedPdu, $"Channel Join Confirm for channel {pdu.RequestedChannelId}, but channel {requested} was requested");
                    }

                    JoinedChannels.Add(requested);
                    if (_channelsToJoin.Count > 0)
                    {
                        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, WriteMcs(output, McsDomainPdu.EncodeChannelJoinRequest(_userId, _channelsToJoin.Peek())));
                    }

                    return SendSecuritySettings(output);
                }

            case State.AwaitingLicensing when pdu.Type == McsDomainPduType.SendDataIndication:
                return OnLicensingChannelData(pdu, output);

            case State.AwaitingVerdict when pdu.Type == McsDomainPduType.SendDataIndication:
                return OnVerdictChannelData(pdu, output);

            default:
                return Fail(ConnectionFailureReason.UnexpectedPdu, $"the server sent {pdu.Type} while the client was {_state}");
        }
    }

    private ConnectionStepResult OnConnectResponse(ReadOnlySpan<byte> mcs, IBufferWriter<byte> output)
    {
        if (!McsConnectResponse.TryDecode(mcs, X224Data.FrameOverhead, out McsConnectResponse? response, out DecodeError error))
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"the MCS Connect Response is malformed: {error}", error);
        }

        if (response.Result != 0)
        {
            return Fail(ConnectionFailureReason.McsRefused, $"MCS Connect Response: {McsConnectResponse.ResultName(response.Result)}");
        }

        if (!GccConferenceCreateResponse.TryDecode(response.UserData, 0, out GccConferenceCreateResponse? gcc, out error))
        {
            return Fail(ConnectionFailureReason.MalformedPdu, $"the GCC Conference Create Response is malformed (offsets within its userData): {error}", error);
        }

        ServerData = gcc;
        _ioChannelId = gcc.Network.IoChannelId;
        if (gcc.Network.ChannelIds.Count != _options.Channels.Count)
        {
            return Fail(ConnectionFailureReason.UnexpectedPdu, $"the server allocated {gcc.Network.ChannelIds.Count} static channels for {_options.Channels.Count} requested");
        }

        if (_standardSecurity && gcc.Security.EncryptionMethod != EncryptionMethods.None)
        {
            if (!IsSingleKnownMethod(gcc.Security.EncryptionMethod) || (gcc.Security.EncryptionMethod & _options.EncryptionMethods) == 0)
            {
                return Fail(ConnectionFailureReason.SecurityFailed, $"the server chose encryption method {RdpSpecNames.EncryptionMethod(gcc.Security.EncryptionMethod)}, which was not offered");
            }

            ServerCertificateVerification = ServerCertificateVerification.Verify(gcc.Security.Certificate);
            if (!ServerCertificateVerification.IsUsable)
            {
                return Fail(ConnectionFailureReason.SecurityFailed, $"the server's GCC certificate is unusable: {ServerCertificateVerification.Detail}");
            }
        }
        else if (gcc.Security.Certificate is not null)
        {
            ServerCertificateVerification = ServerCertificateVerification.Verify(gcc.Security.Certificate);
        }

        int written = WriteMcs(output, McsDomainPdu.EncodeErectDomainRequest());
        written += WriteMcs(output, McsDomainPdu.EncodeAttachUserRequest());
        _state = State.AwaitingAttachUserConfirm;
        Phase = ConnectionPhase.ChannelConnection;
        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written);
    }

    private static bool IsSingleKnownMethod(EncryptionMethods method)
        => method is EncryptionMethods.Bits40 or EncryptionMethods.Bits56 or EncryptionMethods.Bits128 or EncryptionMethods.Fips;

    private ConnectionStepResult SendSecuritySettings(IBufferWriter<byte> output)
    {
        Phase = ConnectionPhase.SecureSettingsExchange;
        int written = 0;
        ServerSecurityData security = ServerData!.Security;
        if (_standardSecurity && security.EncryptionMethod != EncryptionMethods.None)
        {
            // [MS-RDPBCGR 5.3.4]: a 32-byte client random, raw RSA under the server's key, little-endian + 8 zero bytes.
            byte[] clientRandom = new byte[32];
            _random.GetBytes(clientRandom);
            ClientRandom = clientRandom;
            RsaPublicKey key = ServerCertificateVerification!.PublicKey!;
            byte[] encrypted = new byte[key.ModulusLength + RsaPublicKey.WirePaddingLength];
            if (!key.TryEncryptPreMasterSecret(clientRandom, encrypted, out _))
            {
                return Fail(ConnectionFailureReason.SecurityFailed, "the client random is not below the server's RSA modulus");
            }

            written += WriteSendData(output, new SecurityExchangePdu(encrypted).ToArray());
            _cipher = security.EncryptionMethod == EncryptionMethods.Fips
                ? StandardSecurityCipher.CreateFips(FipsSessionKeys.Derive(clientRandom, security.ServerRandom.Span))
                : StandardSecurityCipher.CreateRc4(RdpSessionKeys.Derive(KeyBits(security.EncryptionMethod), clientRandom, security.ServerRandom.Span));
            _encrypting = true;
        }

        var info = new ClientInfoPacket { UserName = _options.UserName, Domain = _options.Domain };
        written += WriteSendData(output, Secure(SecurityFlags.InfoPkt, info.ToArray(), _encrypting));

        // Licensing: the certificate of the license request falls back to the GCC one when the request carries none.
        var licensingOptions = new LicensingClientOptions
        {
            GccServerCertificate = security.Certificate,
            ClientType = _options.Licensing.ClientType,
            PreambleFlags = _options.Licensing.PreambleFlags,
            SecurityHeader = _options.Licensing.SecurityHeader,
        };
        _licensingOptions = licensingOptions;
        if (_licensingIdentity is { } given)
        {
            Licensing = new LicensingClient(given.Identity, given.Stored, _random, licensingOptions);
        }

        _state = State.AwaitingLicensing;
        Phase = ConnectionPhase.Licensing;
        return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written);
    }

    private static int KeyBits(EncryptionMethods method) => method switch
    {
        EncryptionMethods.Bits40 => 40,
        EncryptionMethods.Bits56 => 56,
        _ => 128,
    };

    /// <summary>Licensing has begun and the device's identity is still to come (<see cref="ProvideLicensingIdentity"/>).</summary>
    public bool NeedsLicensingIdentity => _state == State.AwaitingLicensing && Licensing is null;

    /// <summary>The device's HWID and names, and the store's CALs, for the licensing that has begun.</summary>
    /// <exception cref="InvalidOperationException">Licensing has not begun, or its identity was given already.</exception>
    public void ProvideLicensingIdentity(ClientIdentity identity, LicenseStoreSnapshot stored)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(stored);
        if (!NeedsLicensingIdentity)
        {
            throw new InvalidOperationException("No licensing identity is asked for now.");
        }

        Licensing = new LicensingClient(identity, stored, _random, _licensingOptions!);
    }

    private ConnectionStepResult OnLicensingChannelData(McsDomainPdu pdu, IBufferWriter<byte> output)
    {
        if (Licensing is null)
        {
            throw new InvalidOperationException("A licensing PDU came before ProvideLicensingIdentity answered NeedsLicensingIdentity.");
        }

        ReadOnlySpan<byte> data = pdu.Data.Span;
        if (pdu.ChannelId != _ioChannelId || data.Length < SecurityHeader.Length)
        {
            RoutedPastLicensing++;
            return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
        }

        var flags = (SecurityFlags)BinaryPrimitives.ReadUInt16LittleEndian(data);
        byte[] payload;
        if ((flags & SecurityFlags.Encrypt) != 0)
        {
            if (_cipher is null)
            {
                return Fail(ConnectionFailureReason.SecurityFailed, "the server sent an encrypted PDU, but no keys were exchanged");
            }

            // The basic security header (flags without SEC_ENCRYPT) followed by the cleartext.
            if (!_cipher.TryOpen(data, out payload))
            {
                return Fail(ConnectionFailureReason.SecurityFailed, "an encrypted server PDU failed its MAC check or is too short");
            }
        }
        else
        {
            payload = data.ToArray();
        }

        if ((flags & SecurityFlags.LicensePkt) == 0)
        {
            // Not licensing (for instance a Set Error Info or a heartbeat): routed past the licensing client, but a Set
            // Error Info is kept, for it says why the disconnect that follows it happens.
            RoutedPastLicensing++;
            ReadOnlySpan<byte> body = (flags & SecurityFlags.Encrypt) != 0 || SecurityHeaderPresent ? payload.AsSpan(SecurityHeader.Length) : data;
            NoteErrorInfo(body);
            return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
        }

        LicensingPdus.Add((false, payload));
        var reply = new ArrayBufferWriter<byte>(512);
        LicensingStepResult step = Licensing!.Step(payload, reply);
        int written = 0;
        if (step.BytesWritten > 0)
        {
            LicensingPdus.Add((true, reply.WrittenSpan.ToArray()));
            // [MS-RDPBCGR 2.2.1.12]: client licensing PDUs travel with a basic security header, unencrypted unless
            // the server set SEC_LICENSE_ENCRYPT_SC; the licensing client writes that header itself.
            written = WriteSendData(output, reply.WrittenSpan.ToArray());
        }

        switch (step.Status)
        {
            case LicensingStatus.Completed when _options.AwaitServerVerdict:
                // [MS-RDPBCGR 1.3.1.1]: the licensing outcome is not the server's last word; read on until its verdict.
                LicensingResult = step;
                _state = State.AwaitingVerdict;
                Phase = ConnectionPhase.CapabilitiesExchange;
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written, licensing: step);
            case LicensingStatus.Completed:
                LicensingResult = step;
                _state = State.Completed;
                Phase = ConnectionPhase.Finished;
                written += WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
                return new ConnectionStepResult(ConnectionStatus.Completed, written, licensing: step);
            case LicensingStatus.Failed:
                _state = State.Failed;
                Phase = ConnectionPhase.Finished;
                written += WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
                return new ConnectionStepResult(ConnectionStatus.Failed, written, new ConnectionFailure(ConnectionFailureReason.LicensingFailed, ConnectionPhase.Licensing, step.Failure?.Message ?? "licensing failed", step.Failure?.DecodeError, step.Failure), step);
            default:
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, written, licensing: step);
        }
    }

    // After licensing: the Demand Active PDU, a Set Error Info PDU, or something to route past. Under Standard RDP
    // Security with encryption every slow-path PDU has a security header ([MS-RDPBCGR 2.2.1.13.1]); otherwise only the
    // PDUs that need one (licensing, auto-detect, heartbeat, multitransport) carry it, so a PDU is read as a Share Control
    // PDU first.
    private ConnectionStepResult OnVerdictChannelData(McsDomainPdu pdu, IBufferWriter<byte> output)
    {
        if (pdu.ChannelId != _ioChannelId)
        {
            return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
        }

        ReadOnlySpan<byte> data = pdu.Data.Span;
        byte[]? decrypted = null;
        if (SecurityHeaderPresent)
        {
            if (data.Length < SecurityHeader.Length)
            {
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
            }

            var flags = (SecurityFlags)BinaryPrimitives.ReadUInt16LittleEndian(data);
            if ((flags & SecurityFlags.Encrypt) != 0)
            {
                if (_cipher is null || !_cipher.TryOpen(data, out decrypted))
                {
                    return Fail(ConnectionFailureReason.SecurityFailed, "an encrypted server PDU after licensing failed its MAC check or is too short");
                }

                data = decrypted.AsSpan(SecurityHeader.Length);
            }
            else
            {
                data = data[SecurityHeader.Length..];
            }

            if ((flags & (SecurityFlags.LicensePkt | SecurityFlags.AutodetectReq | SecurityFlags.Heartbeat | SecurityFlags.TransportReq)) != 0)
            {
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
            }
        }

        if (!ShareControlHeader.TryDecode(data, 0, out ShareControlHeader header, out _) || header.TotalLength == ShareControlHeader.FlowPduMarker)
        {
            // Not a Share Control PDU (a PDU with a basic security header under TLS, a flow-control PDU): routed past.
            return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
        }

        switch (header.Type)
        {
            case ShareControlHeader.TypeDemandActive:
                return Conclude(new ServerVerdict(ServerVerdictKind.DemandActive), output);
            case ShareControlHeader.TypeData when ReadErrorInfo(data, header) is { } errorInfo:
                ErrorInfo = errorInfo;
                return Conclude(new ServerVerdict(ServerVerdictKind.SetErrorInfo, errorInfo), output);
            default:
                return new ConnectionStepResult(ConnectionStatus.AwaitingPdu, 0);
        }
    }

    // [MS-RDPBCGR 2.2.5.1]: errorInfo of a Set Error Info PDU when it is one and non-zero (ERRINFO_NONE is to be ignored).
    private static uint? ReadErrorInfo(ReadOnlySpan<byte> sharePdu, ShareControlHeader header)
        => SetErrorInfoPdu.TryReadDataPdu(sharePdu[ShareControlHeader.Length..header.TotalLength], ShareControlHeader.Length, out _, out uint? errorInfo, out _) && errorInfo is > 0
            ? errorInfo
            : null;

    private void NoteErrorInfo(ReadOnlySpan<byte> body)
    {
        if (ShareControlHeader.TryDecode(body, 0, out ShareControlHeader header, out _) && header.TotalLength != ShareControlHeader.FlowPduMarker
            && header.Type == ShareControlHeader.TypeData && ReadErrorInfo(body, header) is { } errorInfo)
        {
            ErrorInfo = errorInfo;
        }
    }

    private ConnectionStepResult Conclude(ServerVerdict verdict, IBufferWriter<byte>? output)
    {
        Verdict = verdict;
        _state = State.Completed;
        Phase = ConnectionPhase.Finished;
        // The client ends the connection itself once it knows ([MS-RDPBCGR 1.3.1.4.1]), unless it is gone already.
        int written = output is null ? 0 : WriteMcs(output, McsDomainPdu.EncodeDisconnectProviderUltimatum());
        return new ConnectionStepResult(ConnectionStatus.Completed, written, licensing: LicensingResult, verdict: verdict);
    }

    private static string Describe(uint errorInfo)
    {
        ErrorInfoDescription description = ErrorInfoCatalog.Describe(errorInfo);
        return $"{description.Name}, {description.Meaning}";
    }

    // [MS-RDPBCGR 2.2.8.1.1.2]: slow-path server PDUs carry a security header when Standard RDP Security encrypts.
    private bool SecurityHeaderPresent => _standardSecurity && ServerData?.Security.EncryptionMethod is { } method && method != EncryptionMethods.None;

    /// <summary>A security header with <paramref name="flags"/>, then the data: encrypted and signed when keys were exchanged.</summary>
    private byte[] Secure(SecurityFlags flags, ReadOnlySpan<byte> data, bool encrypt) => SecurityHeaderCodec.Seal(encrypt ? _cipher : null, flags, data);

    private int WriteSendData(IBufferWriter<byte> output, byte[] data)
        => WriteMcs(output, McsDomainPdu.EncodeSendData(McsDomainPduType.SendDataRequest, _userId, _ioChannelId, data));

    private int WriteMcs(IBufferWriter<byte> output, byte[] mcs) => Write(output, X224Data.Wrap(mcs));

    private int Write(IBufferWriter<byte> output, byte[] packet)
    {
        Transcript.Add((true, packet));
        output.Write(packet);
        return packet.Length;
    }

    private ConnectionStepResult Fail(ConnectionFailureReason reason, string message, DecodeError? error = null, NlaFailure? nla = null, uint? errorInfo = null)
    {
        _state = State.Failed;
        return new ConnectionStepResult(ConnectionStatus.Failed, 0, new ConnectionFailure(reason, Phase, message, error, nla: nla, errorInfo: errorInfo));
    }
}
