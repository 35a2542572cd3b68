using System.Security.Cryptography;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [MS-RDPBCGR 5.4.5.1] The TLS server of Enhanced RDP Security for an emulated RDP server: TLS 1.2 [RFC 5246],
/// sans-I/O like <see cref="TlsClientSession"/> (the caller moves bytes between the socket and
/// <see cref="OfferInput"/> / <see cref="TakeOutput"/>), on the same record layer, key schedule and primitives.
/// </summary>
/// <remarks>
/// Scope: the full handshake only (no resumption: a session ID or ticket is ignored, no client certificate asked);
/// ECDHE_RSA over x25519 or secp256r1 when the client offers a group, else RSA key exchange; AES-GCM and AES-CBC with
/// HMAC-SHA1; extended master secret [RFC 7627] when the client offers it; the renegotiation_info extension of
/// [RFC 5746] answered (OpenSSL 3 clients refuse a server without it) and renegotiation refused. Malformed or hostile
/// input never throws: the session fails, names the field in <see cref="Failure"/> and queues the fatal alert.
/// </remarks>
public sealed class TlsServerSession : ITlsHandshake
{
    /// <summary>[RFC 5746 3.3] TLS_EMPTY_RENEGOTIATION_INFO_SCSV: the client supports secure renegotiation.</summary>
    private const int EmptyRenegotiationInfoScsv = 0x00FF;

    private const int RandomLength = 32;

    /// <summary>[RFC 5246 7.4.7.1] PreMasterSecret: client_version (2) + random (46).</summary>
    private const int RsaPreMasterSecretLength = 48;

    /// <summary>The suites this server accepts, in its order of preference (the client's order is not followed).</summary>
    private static readonly int[] s_preference = [0xC02F, 0xC030, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F];

    /// <summary>The schemes it signs ServerKeyExchange with, in its order of preference: PKCS #1 v1.5 only.</summary>
    private static readonly TlsSignatureScheme[] s_signatureSchemes =
        [TlsSignatureScheme.RsaPkcs1Sha256, TlsSignatureScheme.RsaPkcs1Sha384, TlsSignatureScheme.RsaPkcs1Sha512, TlsSignatureScheme.RsaPkcs1Sha1];

    private readonly TlsServerCredentials _credentials;
    private readonly IRandomSource _random;
    private readonly TlsRecordLayer _records;
    private readonly TlsWriter _transcript = new(4096);
    private readonly byte[] _serverRandom = new byte[RandomLength];

    private TlsServerState _state = TlsServerState.AwaitClientHello;
    private byte[] _clientRandom = [];
    private int _clientVersion;
    private TlsCipherSuiteInfo? _suite;
    private bool _extendedMasterSecret;
    private TlsKeyShare? _keyShare;
    private byte[] _masterSecret = [];

    /// <param name="credentials">The certificate chain and its key.</param>
    /// <param name="random">Where every random value of the session comes from (server random, ephemeral key, CBC IVs).</param>
    public TlsServerSession(TlsServerCredentials credentials, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(random);
        _credentials = credentials;
        _random = random;
        _records = new TlsRecordLayer(this, "client");
    }

    /// <summary>Whether the handshake has finished (the client's Finished verified, the server's sent).</summary>
    public bool IsHandshakeComplete => _state == TlsServerState.Complete;

    /// <summary>Why the session failed or ended, when it did.</summary>
    public string? Failure => _records.Failure;

    /// <summary>Whether the session failed (a fatal alert either way, or input that is not TLS).</summary>
    public bool IsFailed => _records.IsFailed;

    /// <summary>The negotiated cipher suite's name, once chosen.</summary>
    public string? CipherSuite => _suite?.Name;

    /// <summary>Whether the client's first bytes were a TLS handshake record at all (false while nothing was read).</summary>
    public bool ClientHelloReceived => _clientRandom.Length != 0;

    /// <summary>
    /// Hands the session bytes received from the client, in any pieces. False when the session failed or had already
    /// ended (see <see cref="Failure"/>); the server's answers are then in <see cref="TakeOutput"/>.
    /// </summary>
    public bool OfferInput(ReadOnlySpan<byte> received)
    {
        if (!_records.IsOpen)
        {
            return false;
        }

        _records.Offer(received);
        return !_records.IsFailed;
    }

    /// <summary>Bytes the session wants sent to the client (handshake records, alerts, encrypted application data).</summary>
    public byte[] TakeOutput() => _records.TakeOutput();

    /// <summary>Decrypted application data received so far.</summary>
    public byte[] TakeApplicationData() => _records.TakeApplicationData();

    /// <summary>Encrypts application data; the records are then in <see cref="TakeOutput"/>. False before the handshake completed or after close.</summary>
    public bool WriteApplicationData(ReadOnlySpan<byte> data)
    {
        if (_records.IsFailed || _state != TlsServerState.Complete || _records.CloseSent || _records.IsClosed)
        {
            return false;
        }

        if (_records.TryWriteApplicationData(data))
        {
            return true;
        }

        _state = TlsServerState.Failed;
        return false;
    }

    /// <summary>Sends close_notify (into <see cref="TakeOutput"/>) [RFC 5246 7.2.1].</summary>
    public void Close()
    {
        if (_records.CloseSent || _records.IsFailed || !ClientHelloReceived)
        {
            return;
        }

        _records.SendCloseNotify();
    }

    // ---- What the record layer asks of the handshake ----

    string ITlsHandshake.Self => "server";

    string ITlsHandshake.Waiting => Waiting();

    bool ITlsHandshake.NothingReceived => !ClientHelloReceived && _records.PendingHandshakeBytes == 0;

    string ITlsHandshake.FirstMessageNoun => "first record";

    int ITlsHandshake.RecordVersion => TlsClientSession.Tls12Version;

    bool ITlsHandshake.IsComplete => _state == TlsServerState.Complete;

    bool ITlsHandshake.ExpectsChangeCipherSpec => _state == TlsServerState.AwaitChangeCipherSpec;

    void ITlsHandshake.OnChangeCipherSpec() => _state = TlsServerState.AwaitFinished;

    void ITlsHandshake.OnHandshakeMessage(byte type, byte[] message)
    {
        ReadOnlySpan<byte> body = message.AsSpan(TlsRecordLayer.HandshakeHeaderLength);
        switch (_state, (TlsHandshakeType)type)
        {
            case (TlsServerState.AwaitClientHello, TlsHandshakeType.ClientHello):
                _transcript.Write(message);
                ReceiveClientHello(body);
                break;
            case (TlsServerState.AwaitClientKeyExchange, TlsHandshakeType.ClientKeyExchange):
                _transcript.Write(message);
                ReceiveClientKeyExchange(body);
                break;
            case (TlsServerState.AwaitFinished, TlsHandshakeType.Finished):
                ReceiveFinished(body, message);
                break;
            case (TlsServerState.Complete, TlsHandshakeType.ClientHello):
                // RFC 5746 4.4 / RFC 5246 7.2.2: a renegotiation this server does not do.
                _records.SendAlert(TlsAlert.Warning, TlsAlertDescription.NoRenegotiation);
                break;
            default:
                Fail(TlsAlertDescription.UnexpectedMessage, $"the client sent {TlsHandshakeMessages.Name(type)} while the server {Waiting()}");
                break;
        }
    }

    // ---- Handshake [RFC 5246 7.3, 7.4] ----

    /// <summary>[RFC 5246 7.4.1.2] ClientHello: a TLS 1.2 client, a suite in common, null compression.</summary>
    private void ReceiveClientHello(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt16(out int version) || !reader.TryReadBytes(RandomLength, out ReadOnlySpan<byte> random))
        {
            Fail(TlsAlertDescription.DecodeError, "ClientHello ends before client_version and random");
            return;
        }

        // RFC 5246 E.1: a client offering a later version gets TLS 1.2; one that tops out below it cannot be served.
        if (version >> 8 != 3 || (version & 0xFF) < 3)
        {
            Fail(TlsAlertDescription.ProtocolVersion, $"ClientHello.client_version is 0x{version:X4}; this server speaks TLS 1.2 (0x0303) only");
            return;
        }

        if (!reader.TryReadVector8(out ReadOnlySpan<byte> sessionId) || sessionId.Length > 32)
        {
            Fail(TlsAlertDescription.DecodeError, "ClientHello.session_id is malformed (longer than 32 bytes or truncated)");
            return;
        }

        if (!reader.TryReadVector16(out ReadOnlySpan<byte> suites) || suites.IsEmpty || suites.Length % 2 != 0)
        {
            Fail(TlsAlertDescription.DecodeError, "ClientHello.cipher_suites is malformed");
            return;
        }

        if (!reader.TryReadVector8(out ReadOnlySpan<byte> compressions) || compressions.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "ClientHello.compression_methods is malformed");
            return;
        }

        if (!compressions.Contains((byte)0))
        {
            Fail(TlsAlertDescription.IllegalParameter, "ClientHello.compression_methods does not include null (0)");
            return;
        }

        var offer = new ClientOffer();
        for (int i = 0; i < suites.Length; i += 2)
        {
            int suite = (suites[i] << 8) | suites[i + 1];
            offer.Suites.Add(suite);
            offer.SecureRenegotiation |= suite == EmptyRenegotiationInfoScsv;
        }

        // RFC 5246 7.4.1.2: extensions are optional; when present they fill the rest of the message.
        if (!reader.IsEmpty && (!reader.TryReadVector16(out ReadOnlySpan<byte> extensions) || !reader.IsEmpty || !ReadClientExtensions(extensions, offer)))
        {
            if (!_records.IsFailed)
            {
                Fail(TlsAlertDescription.DecodeError, "ClientHello.extensions is malformed");
            }

            return;
        }

        if (!reader.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "ClientHello has bytes after its fields");
            return;
        }

        TlsCipherSuiteInfo? chosen = ChooseSuite(offer, out TlsNamedGroup group);
        if (chosen is null)
        {
            Fail(TlsAlertDescription.HandshakeFailure, "the client offers no cipher suite this server has (ECDHE_RSA or RSA with AES-GCM or AES-CBC-SHA)");
            return;
        }

        _clientRandom = random.ToArray();
        _clientVersion = version;
        _suite = chosen;
        _extendedMasterSecret = offer.ExtendedMasterSecret;
        SendServerFlight(offer, group);
    }

    /// <summary>False (with the failure set, or for the caller's decode_error) when an extension is malformed.</summary>
    private bool ReadClientExtensions(ReadOnlySpan<byte> extensions, ClientOffer offer)
    {
        var reader = new TlsReader(extensions);
        var seen = new HashSet<int>();
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadUInt16(out int type) || !reader.TryReadVector16(out ReadOnlySpan<byte> data))
            {
                return false;
            }

            // RFC 5246 7.4.1.4: there MUST NOT be more than one extension of the same type.
            if (!seen.Add(type))
            {
                Fail(TlsAlertDescription.DecodeError, $"ClientHello carries extension {type} twice");
                return false;
            }

            var list = new TlsReader(data);
            switch ((TlsExtensionType)type)
            {
                case TlsExtensionType.SupportedGroups:
                    if (!list.TryReadVector16(out ReadOnlySpan<byte> groups) || !list.IsEmpty || groups.Length % 2 != 0)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ClientHello.supported_groups is malformed");
                        return false;
                    }

                    for (int i = 0; i < groups.Length; i += 2)
                    {
                        offer.Groups.Add((groups[i] << 8) | groups[i + 1]);
                    }

                    break;
                case TlsExtensionType.EcPointFormats:
                    if (!list.TryReadVector8(out ReadOnlySpan<byte> formats) || !list.IsEmpty || formats.IsEmpty)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ClientHello.ec_point_formats is malformed");
                        return false;
                    }

                    offer.UncompressedPoints = formats.Contains((byte)0);
                    break;
                case TlsExtensionType.SignatureAlgorithms:
                    if (!list.TryReadVector16(out ReadOnlySpan<byte> schemes) || !list.IsEmpty || schemes.IsEmpty || schemes.Length % 2 != 0)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ClientHello.signature_algorithms is malformed");
                        return false;
                    }

                    offer.SignatureSchemes.Clear();
                    for (int i = 0; i < schemes.Length; i += 2)
                    {
                        offer.SignatureSchemes.Add((schemes[i] << 8) | schemes[i + 1]);
                    }

                    break;
                case TlsExtensionType.ExtendedMasterSecret:
                    if (!data.IsEmpty)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ClientHello.extended_master_secret is not empty");
                        return false;
                    }

                    offer.ExtendedMasterSecret = true;
                    break;
                case TlsExtensionType.RenegotiationInfo:
                    // RFC 5746 3.6: on an initial handshake renegotiated_connection must be empty.
                    if (data.Length != 1 || data[0] != 0)
                    {
                        Fail(TlsAlertDescription.HandshakeFailure, "ClientHello.renegotiation_info is not empty on the initial handshake");
                        return false;
                    }

                    offer.SecureRenegotiation = true;
                    break;
                default:
                    // server_name, session_ticket, status_request, ALPN…: nothing this server acts on ([RFC 5246 7.4.1.4]).
                    break;
            }
        }

        return true;
    }

    /// <summary>The first suite of this server's preference the client offers, ECDHE only with a group both have.</summary>
    private TlsCipherSuiteInfo? ChooseSuite(ClientOffer offer, out TlsNamedGroup group)
    {
        // RFC 8422 5.1: without the extensions the client supports no curve here; the point format must be uncompressed.
        group = offer.Groups.Contains((int)TlsNamedGroup.X25519) ? TlsNamedGroup.X25519 : TlsNamedGroup.Secp256r1;
        bool ecdhe = (offer.Groups.Contains((int)TlsNamedGroup.X25519) || offer.Groups.Contains((int)TlsNamedGroup.Secp256r1))
            && offer.UncompressedPoints && ChooseSignatureScheme(offer) is not null;
        foreach (int number in s_preference)
        {
            TlsCipherSuiteInfo suite = TlsCipherSuiteInfo.Find(number)!;
            if (offer.Suites.Contains(number) && (!suite.IsEcdhe || ecdhe))
            {
                return suite;
            }
        }

        return null;
    }

    /// <summary>[RFC 5246 7.4.1.4.1] The scheme to sign with: one the client lists; {sha1, rsa} when it lists none.</summary>
    private static TlsSignatureScheme? ChooseSignatureScheme(ClientOffer offer)
    {
        foreach (TlsSignatureScheme scheme in s_signatureSchemes)
        {
            if (offer.SignatureSchemes.Contains((int)scheme))
            {
                return scheme;
            }
        }

        return null;
    }

    /// <summary>ServerHello, Certificate, ServerKeyExchange (ECDHE_RSA), ServerHelloDone: one flight.</summary>
    private void SendServerFlight(ClientOffer offer, TlsNamedGroup group)
    {
        TlsCipherSuiteInfo suite = _suite!;
        _random.GetBytes(_serverRandom);
        var flight = new TlsWriter(4096);

        // RFC 5246 7.4.1.3: server_version, random, an empty session_id (nothing to resume), the suite, null compression.
        var hello = new TlsWriter(128);
        hello.WriteUInt16(TlsClientSession.Tls12Version);
        hello.Write(_serverRandom);
        hello.WriteUInt8(0);
        hello.WriteUInt16(suite.Number);
        hello.WriteUInt8(0);
        int extensions = hello.BeginVector(2);
        if (offer.SecureRenegotiation)
        {
            // RFC 5746 3.6: renegotiation_info with an empty renegotiated_connection.
            hello.WriteUInt16((int)TlsExtensionType.RenegotiationInfo);
            hello.WriteUInt16(1);
            hello.WriteUInt8(0);
        }

        if (_extendedMasterSecret)
        {
            hello.WriteUInt16((int)TlsExtensionType.ExtendedMasterSecret);
            hello.WriteUInt16(0);
        }

        if (suite.IsEcdhe)
        {
            // RFC 8422 5.2: ec_point_formats, uncompressed only.
            hello.WriteUInt16((int)TlsExtensionType.EcPointFormats);
            hello.WriteUInt16(2);
            hello.WriteUInt8(1);
            hello.WriteUInt8(0);
        }

        hello.EndVector(extensions, 2);
        flight.Write(AppendToTranscript(TlsHandshakeMessages.Build(TlsHandshakeType.ServerHello, hello.WrittenSpan)));

        // RFC 5246 7.4.2: certificate_list, each certificate a uint24-length vector, the sender's first.
        var certificates = new TlsWriter(4096);
        int list = certificates.BeginVector(3);
        foreach (byte[] certificate in _credentials.CertificateChain)
        {
            int entry = certificates.BeginVector(3);
            certificates.Write(certificate);
            certificates.EndVector(entry, 3);
        }

        certificates.EndVector(list, 3);
        flight.Write(AppendToTranscript(TlsHandshakeMessages.Build(TlsHandshakeType.Certificate, certificates.WrittenSpan)));

        if (suite.IsEcdhe)
        {
            // RFC 8422 5.4: ServerECDHParams (named_curve, the group, the point), signed over both randoms and the params.
            _keyShare = TlsKeyShare.Create(group, _random);
            var parameters = new TlsWriter(128);
            parameters.WriteUInt8(3);
            parameters.WriteUInt16((int)group);
            int point = parameters.BeginVector(1);
            parameters.Write(_keyShare.PublicKey);
            parameters.EndVector(point, 1);
            TlsSignatureScheme scheme = ChooseSignatureScheme(offer)!.Value;
            byte[] signature = TlsRsa.SignPkcs1(_credentials.Key, scheme, [.. _clientRandom, .. _serverRandom, .. parameters.WrittenSpan]);
            var keyExchange = new TlsWriter(parameters.Length + signature.Length + 8);
            keyExchange.Write(parameters.WrittenSpan);
            keyExchange.WriteUInt16((int)scheme);
            int signed = keyExchange.BeginVector(2);
            keyExchange.Write(signature);
            keyExchange.EndVector(signed, 2);
            flight.Write(AppendToTranscript(TlsHandshakeMessages.Build(TlsHandshakeType.ServerKeyExchange, keyExchange.WrittenSpan)));
        }

        flight.Write(AppendToTranscript(TlsHandshakeMessages.Build(TlsHandshakeType.ServerHelloDone, [])));
        _records.WriteRecord(TlsContentType.Handshake, flight.WrittenSpan, TlsClientSession.Tls12Version);
        _state = TlsServerState.AwaitClientKeyExchange;
    }

    /// <summary>[RFC 8422 5.7] / [RFC 5246 7.4.7] ClientKeyExchange: the client's ECDH point, or the RSA-encrypted premaster secret.</summary>
    private void ReceiveClientKeyExchange(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        byte[] preMasterSecret;
        if (_suite!.IsEcdhe)
        {
            if (!reader.TryReadVector8(out ReadOnlySpan<byte> point) || !reader.IsEmpty || point.IsEmpty)
            {
                Fail(TlsAlertDescription.DecodeError, "ClientKeyExchange.ecdh_Yc is malformed");
                return;
            }

            if (!_keyShare!.TryAgree(point, out preMasterSecret))
            {
                Fail(TlsAlertDescription.IllegalParameter, $"the client's ECDHE public value is not a valid {_keyShare.Group} point");
                return;
            }
        }
        else
        {
            if (!reader.TryReadVector16(out ReadOnlySpan<byte> encrypted) || !reader.IsEmpty)
            {
                Fail(TlsAlertDescription.DecodeError, "ClientKeyExchange.exchange_keys is malformed");
                return;
            }

            // RFC 5246 7.4.7.1: a random premaster secret stands in for one that does not decrypt or has the wrong
            // length or version, and the handshake goes on to fail at Finished: no oracle for Bleichenbacher.
            preMasterSecret = new byte[RsaPreMasterSecretLength];
            _random.GetBytes(preMasterSecret);
            if (TlsRsa.TryDecryptPkcs1(_credentials.Key, encrypted, out byte[] decrypted)
                && decrypted.Length == RsaPreMasterSecretLength
                && ((decrypted[0] << 8) | decrypted[1]) == _clientVersion)
            {
                decrypted.CopyTo(preMasterSecret, 0);
            }

            CryptographicOperations.ZeroMemory(decrypted);
        }

        _masterSecret = TlsKeySchedule.MasterSecret(_suite, _extendedMasterSecret, preMasterSecret, _clientRandom, _serverRandom, _transcript.WrittenSpan);
        CryptographicOperations.ZeroMemory(preMasterSecret);
        (TlsRecordCipher read, TlsRecordCipher write) = TlsKeySchedule.RecordCiphers(_suite, _masterSecret, _clientRandom, _serverRandom, isClient: false, _random);
        _records.SetPendingCiphers(read, write);
        _state = TlsServerState.AwaitChangeCipherSpec;
    }

    /// <summary>[RFC 5246 7.4.9] The client's Finished, then the server's ChangeCipherSpec and Finished.</summary>
    private void ReceiveFinished(ReadOnlySpan<byte> body, byte[] message)
    {
        if (body.Length != TlsKeySchedule.VerifyDataLength)
        {
            Fail(TlsAlertDescription.DecodeError, $"Finished.verify_data is {body.Length} bytes, not {TlsKeySchedule.VerifyDataLength}");
            return;
        }

        byte[] expected = TlsKeySchedule.VerifyData(_suite!, _masterSecret, "client finished", _transcript.WrittenSpan);
        if (!CryptographicOperations.FixedTimeEquals(expected, body))
        {
            Fail(TlsAlertDescription.DecryptError, "the client's Finished.verify_data does not match the handshake");
            return;
        }

        _transcript.Write(message);
        _records.SendChangeCipherSpec(TlsClientSession.Tls12Version);
        byte[] verifyData = TlsKeySchedule.VerifyData(_suite!, _masterSecret, "server finished", _transcript.WrittenSpan);
        _records.WriteRecord(TlsContentType.Handshake, TlsHandshakeMessages.Build(TlsHandshakeType.Finished, verifyData), TlsClientSession.Tls12Version);
        _state = TlsServerState.Complete;
        _transcript.Clear();
        CryptographicOperations.ZeroMemory(_masterSecret);
    }

    private byte[] AppendToTranscript(byte[] message)
    {
        _transcript.Write(message);
        return message;
    }

    private void Fail(TlsAlertDescription alert, string message)
    {
        _records.Fail(alert, message);
        _state = TlsServerState.Failed;
    }

    private string Waiting() => _state switch
    {
        TlsServerState.AwaitClientHello => "waited for ClientHello",
        TlsServerState.AwaitClientKeyExchange => "waited for ClientKeyExchange",
        TlsServerState.AwaitChangeCipherSpec => "waited for ChangeCipherSpec",
        TlsServerState.AwaitFinished => "waited for Finished",
        _ => "had finished the handshake",
    };

    /// <summary>What the ClientHello offers.</summary>
    private sealed class ClientOffer
    {
        public List<int> Suites { get; } = [];

        public List<int> Groups { get; } = [];

        /// <summary>[RFC 5246 7.4.1.4.1] Without signature_algorithms the client is taken to support {sha1, rsa}.</summary>
        public List<int> SignatureSchemes { get; } = [(int)TlsSignatureScheme.RsaPkcs1Sha1];

        /// <summary>[RFC 8422 5.1.2] Without ec_point_formats, uncompressed is assumed.</summary>
        public bool UncompressedPoints { get; set; } = true;

        public bool ExtendedMasterSecret { get; set; }

        public bool SecureRenegotiation { get; set; }
    }
}
