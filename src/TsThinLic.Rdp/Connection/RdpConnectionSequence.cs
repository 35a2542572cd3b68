using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Security;
using TsThinLic.Records;

namespace TsThinLic.Rdp.Connection;

/// <summary>
/// [MS-RDPBCGR 1.3.1.1] The client side of the RDP connection sequence up to and including licensing, as a sans-I/O
/// state machine: it takes one whole TPKT packet at a time, writes its answers (whole TPKT packets) into the
/// caller's buffer and says what it needs next. TLS is the caller's (<see cref="ConnectionStatus.StartTls"/>); the
/// randomness comes from the injected <see cref="IRandomSource"/> (the client random first, then the licensing
/// client's), so a recorded exchange replays byte for byte. Licensing PDUs are handed to a
/// <see cref="LicensingClient"/>; other Send Data Indications that arrive meanwhile are routed past it, not rejected.
/// </summary>
public sealed class RdpConnectionSequence
{
    /// <summary>The I/O channel ID servers use when SC_NET does not say (it always does).</summary>
    public const ushort DefaultIoChannelId = 1003;

    private readonly RdpConnectionOptions _options;
    private readonly ClientIdentity _identity;
    private readonly LicenseStoreSnapshot _stored;
    private readonly IRandomSource _random;

    private State _state = State.Initial;
    private readonly Queue<ushort> _channelsToJoin = new();
    private ushort _userId;
    private ushort _ioChannelId = DefaultIoChannelId;
    private StandardSecurityCipher? _cipher;
    private bool _standardSecurity;
    private bool _encrypting;

    public RdpConnectionSequence(RdpConnectionOptions options, ClientIdentity identity, LicenseStoreSnapshot stored, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(random);
        _options = options;
        _identity = identity;
        _stored = stored;
        _random = random;
    }

    private enum State
    {
        Initial,
        AwaitingConnectionConfirm,
        AwaitingTls,
        AwaitingConnectResponse,
        AwaitingAttachUserConfirm,
        AwaitingChannelJoinConfirm,
        AwaitingLicensing,
        Completed,
        Failed,
    }

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

    /// <summary>To be called once the TLS handshake completed: writes the MCS Connect Initial (over TLS, through the caller).</summary>
    public ConnectionStepResult TlsEstablished(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state != State.AwaitingTls)
        {
            throw new InvalidOperationException("No TLS handshake was asked for.");
        }

        return SendConnectInitial(output);
    }

    /// <summary>Consumes one whole TPKT packet from the server.</summary>
    public ConnectionStepResult Step(ReadOnlySpan<byte> packet, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Transcript.Add((false, packet.ToArray()));
        return _state switch
        {
            State.AwaitingConnectionConfirm => OnConnectionConfirm(packet, output),
            State.AwaitingConnectResponse or State.AwaitingAttachUserConfirm or State.AwaitingChannelJoinConfirm or State.AwaitingLicensing => OnMcs(packet, output),
            State.Completed or State.Failed => throw new InvalidOperationException("The sequence has ended."),
            _ => throw new InvalidOperationException($"No PDU is expected in state {_state}."),
        };
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
        if (selected == NegotiationProtocols.Ssl && _options.RequestedProtocols.HasFlag(NegotiationProtocols.Ssl))
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
            return Fail(ConnectionFailureReason.ServerDisconnected, $"the server sent Disconnect Provider Ultimatum (reason {pdu.Reason})");
        }

        switch (_state)
        {
            case State.AwaitingAttachUserConfirm when pdu.Type == McsDomainPduType.AttachUserConfirm:
                if (pdu.Result != 0 || pdu.Initiator == 0)
                {
                    return Fail(ConnectionFailureReason.McsRefused, $"Attach User Confirm: {McsConnectResponse.ResultName(pdu.Result)}");
                }

                _userId = pdu.Initiator;
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
        Licensing = new LicensingClient(_identity, _stored, _random, licensingOptions);
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

    private ConnectionStepResult OnLicensingChannelData(McsDomainPdu pdu, IBufferWriter<byte> output)
    {
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

            if (!SecurityHeaderCodec.TryOpen(_cipher, data, out _, out payload))
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
            // Not licensing (for instance a Set Error Info or a heartbeat): routed past the licensing client.
            RoutedPastLicensing++;
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
            case LicensingStatus.Completed:
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

    private ConnectionStepResult Fail(ConnectionFailureReason reason, string message, DecodeError? error = null)
    {
        _state = State.Failed;
        return new ConnectionStepResult(ConnectionStatus.Failed, 0, new ConnectionFailure(reason, Phase, message, error));
    }
}
