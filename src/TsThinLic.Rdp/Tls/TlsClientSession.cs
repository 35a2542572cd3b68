using System.Buffers;
using System.Security.Cryptography;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [MS-RDPBCGR 5.4.5.1] The TLS client of Enhanced RDP Security: a TLS 1.2 client [RFC 5246], sans-I/O: the caller
/// moves bytes between the socket and <see cref="OfferInput"/> / <see cref="TakeOutput"/>. Pure managed (BouncyCastle's
/// AES, SHA, HMAC and X25519 primitives; the protocol is written here), so it runs on a device without OpenSSL. The
/// server certificate is recorded, not trusted or refused: the probe reports it; RDP clients decide trust outside the
/// TLS layer.
/// </summary>
/// <remarks>
/// Scope: the full handshake only (no resumption, no tickets, no client certificate: a CertificateRequest is answered
/// with an empty Certificate); ECDHE_RSA over x25519 or secp256r1 and RSA key exchange; AES-GCM and AES-CBC with
/// HMAC-SHA1; extended master secret [RFC 7627] when the server echoes it; renegotiation refused [RFC 5746]. Malformed
/// or hostile input never throws: the session fails, says which field was wrong in <see cref="Failure"/>, and queues
/// the fatal alert RFC 5246 7.2 asks for.
/// </remarks>
public sealed class TlsClientSession : ITlsHandshake
{
    /// <summary>ProtocolVersion {3, 3}: TLS 1.2.</summary>
    internal const int Tls12Version = 0x0303;

    /// <summary>
    /// [RFC 5246 E.1] The record version of the ClientHello: {3, 1}, as most clients send it, because some servers
    /// refuse a first record newer than TLS 1.0.
    /// </summary>
    internal const int ClientHelloRecordVersion = 0x0301;

    /// <summary>Longest server certificate chain accepted.</summary>
    internal const int MaxCertificates = 10;

    private const int RandomLength = 32;

    /// <summary>[RFC 5246 7.4.7.1] PreMasterSecret: client_version (2) + random (46).</summary>
    private const int RsaPreMasterSecretLength = 48;

    private static readonly TlsSignatureScheme[] s_signatureSchemes =
    [
        TlsSignatureScheme.RsaPssRsaeSha256,
        TlsSignatureScheme.RsaPssRsaeSha384,
        TlsSignatureScheme.RsaPkcs1Sha256,
        TlsSignatureScheme.RsaPkcs1Sha384,
        TlsSignatureScheme.RsaPkcs1Sha512,
        TlsSignatureScheme.RsaPkcs1Sha1,
    ];

    private static readonly TlsNamedGroup[] s_groups = [TlsNamedGroup.X25519, TlsNamedGroup.Secp256r1];

    private readonly IRandomSource _random;
    private readonly ITlsKeyLog? _keyLog;
    private readonly TlsRecordLayer _records;
    private readonly TlsWriter _transcript = new(4096);
    private readonly List<byte[]> _serverCertificates = [];

    private TlsClientState _state = TlsClientState.Initial;
    private bool _handshakeComplete;

    private readonly byte[] _clientRandom = new byte[RandomLength];
    private byte[] _serverRandom = [];
    private TlsCipherSuiteInfo? _suite;
    private bool _extendedMasterSecret;
    private bool _certificateRequested;
    private RsaPublicKey? _serverKey;
    private TlsNamedGroup _serverGroup;
    private byte[] _serverEcdhPublic = [];
    private byte[] _masterSecret = [];

    /// <param name="random">
    /// Where every random value of the session comes from (client random, ephemeral key, premaster secret, CBC IVs).
    /// Never .NET's RandomNumberGenerator: it loads OpenSSL on Linux.
    /// </param>
    /// <param name="keyLog">
    /// Where the master secret goes as a <c>CLIENT_RANDOM</c> line once it is derived, so a capture of the session can
    /// be decrypted (Wireshark, <c>tsthinlic replay --keylog</c>); null (the default) writes it nowhere.
    /// </param>
    public TlsClientSession(IRandomSource random, ITlsKeyLog? keyLog = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _keyLog = keyLog;
        _records = new TlsRecordLayer(this, "server");
    }

    /// <summary>Whether the handshake has finished (the server's Finished verified).</summary>
    public bool IsHandshakeComplete => _handshakeComplete;

    /// <summary>Why the session failed or ended, when it did.</summary>
    public string? Failure => _records.Failure;

    /// <summary>The server's certificate chain (DER), leaf first, once received.</summary>
    public IReadOnlyList<byte[]> ServerCertificates => _serverCertificates;

    /// <summary>The negotiated protocol version ("TLSv1.2"), once the server accepted it.</summary>
    public string? ProtocolVersion => _suite is null ? null : "TLSv1.2";

    /// <summary>The negotiated cipher suite number, once the server chose it.</summary>
    public int? CipherSuite => _suite?.Number;

    /// <summary>Starts the handshake: the ClientHello is then in <see cref="TakeOutput"/>.</summary>
    /// <exception cref="InvalidOperationException">Start was already called.</exception>
    public bool Start()
    {
        if (_state != TlsClientState.Initial)
        {
            throw new InvalidOperationException("The TLS handshake has already started.");
        }

        try
        {
            // RFC 5246 7.4.1.2: 32 random bytes (the gmt_unix_time prefix is not used: it only fingerprints the device).
            _random.GetBytes(_clientRandom);
            _records.WriteRecord(TlsContentType.Handshake, AppendToTranscript(BuildClientHello()), ClientHelloRecordVersion);
            _state = TlsClientState.AwaitServerHello;
            return true;
        }
        catch (Exception exception)
        {
            // The seam: nothing thrown by the primitives (or the random source) escapes.
            _records.FailSilently($"TLS could not start: {exception.Message}");
            _state = TlsClientState.Failed;
            return false;
        }
    }

    /// <summary>
    /// Hands the session bytes received from the server, in any pieces. False when the handshake or record layer
    /// failed or the session had already ended (see <see cref="Failure"/>); a close_notify after the handshake ends
    /// the session but this call still returns true, so the data before it is not lost.
    /// </summary>
    /// <exception cref="InvalidOperationException">Start was not called.</exception>
    public bool OfferInput(ReadOnlySpan<byte> received)
    {
        if (_state == TlsClientState.Initial)
        {
            throw new InvalidOperationException("Start the TLS handshake first.");
        }

        if (!_records.IsOpen)
        {
            return false;
        }

        _records.Offer(received);
        return !_records.IsFailed;
    }

    /// <summary>Bytes the session wants sent to the server (handshake records, alerts, encrypted application data).</summary>
    public byte[] TakeOutput() => _records.TakeOutput();

    /// <summary>Decrypted application data received so far.</summary>
    public byte[] TakeApplicationData() => _records.TakeApplicationData();

    /// <summary>Encrypts application data; the records are then in <see cref="TakeOutput"/>. False before the handshake completed or after close.</summary>
    public bool WriteApplicationData(ReadOnlySpan<byte> data)
    {
        if (_records.IsFailed)
        {
            return false;
        }

        if (!_handshakeComplete || _records.CloseSent || _records.IsClosed)
        {
            _records.NoteEnd(_handshakeComplete ? "TLS: application data after the connection was closed" : "TLS: application data before the handshake completed");
            return false;
        }

        return _records.TryWriteApplicationData(data);
    }

    /// <summary>Sends close_notify (into <see cref="TakeOutput"/>) [RFC 5246 7.2.1].</summary>
    public void Close()
    {
        if (_records.CloseSent || _state == TlsClientState.Initial || _records.IsFailed)
        {
            return;
        }

        _records.SendCloseNotify();
    }

    // ---- What the record layer asks of the handshake ----

    string ITlsHandshake.Self => "client";

    string ITlsHandshake.Waiting => Waiting();

    bool ITlsHandshake.NothingReceived => _state == TlsClientState.AwaitServerHello && _serverRandom.Length == 0;

    string ITlsHandshake.FirstMessageNoun => "answer";

    int ITlsHandshake.RecordVersion => _suite is null ? ClientHelloRecordVersion : Tls12Version;

    bool ITlsHandshake.IsComplete => _state == TlsClientState.Complete;

    bool ITlsHandshake.ExpectsChangeCipherSpec => _state == TlsClientState.AwaitChangeCipherSpec;

    void ITlsHandshake.OnChangeCipherSpec() => _state = TlsClientState.AwaitFinished;

    void ITlsHandshake.OnHandshakeMessage(byte type, byte[] message) => ReceiveHandshakeMessage(type, message);

    // ---- Handshake [RFC 5246 7.3, 7.4] ----

    private void ReceiveHandshakeMessage(byte type, byte[] message)
    {
        ReadOnlySpan<byte> body = message.AsSpan(TlsRecordLayer.HandshakeHeaderLength);
        if (type == (byte)TlsHandshakeType.HelloRequest)
        {
            ReceiveHelloRequest(body);
            return;
        }

        switch (_state, (TlsHandshakeType)type)
        {
            case (TlsClientState.AwaitServerHello, TlsHandshakeType.ServerHello):
                _transcript.Write(message);
                ReceiveServerHello(body);
                break;
            case (TlsClientState.AwaitCertificate, TlsHandshakeType.Certificate):
                _transcript.Write(message);
                ReceiveCertificate(body);
                break;
            case (TlsClientState.AwaitServerKeyExchange, TlsHandshakeType.ServerKeyExchange):
                _transcript.Write(message);
                ReceiveServerKeyExchange(body);
                break;
            case (TlsClientState.AwaitServerHelloDone, TlsHandshakeType.CertificateRequest) when !_certificateRequested:
                _transcript.Write(message);
                ReceiveCertificateRequest(body);
                break;
            case (TlsClientState.AwaitServerHelloDone, TlsHandshakeType.ServerHelloDone):
                _transcript.Write(message);
                ReceiveServerHelloDone(body);
                break;
            case (TlsClientState.AwaitFinished, TlsHandshakeType.Finished):
                // Finished covers the messages before it; nothing after it is hashed.
                ReceiveFinished(body);
                break;
            default:
                Fail(TlsAlertDescription.UnexpectedMessage, $"the server sent {TlsHandshakeMessages.Name(type)} while the client {Waiting()}");
                break;
        }
    }

    /// <summary>
    /// [RFC 5246 7.4.1.1] HelloRequest is ignored during a handshake and not hashed; afterwards it asks for a
    /// renegotiation, which this client refuses with a no_renegotiation warning.
    /// </summary>
    private void ReceiveHelloRequest(ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "HelloRequest is not empty");
        }
        else if (_handshakeComplete)
        {
            SendAlert(TlsAlert.Warning, TlsAlertDescription.NoRenegotiation);
        }
    }

    /// <summary>[RFC 5246 7.4.1.2] ClientHello: TLS 1.2, no session to resume, the offered suites and extensions.</summary>
    private byte[] BuildClientHello()
    {
        var body = new TlsWriter();
        body.WriteUInt16(Tls12Version); // client_version
        body.Write(_clientRandom); // random
        body.WriteUInt8(0); // session_id: empty, nothing to resume

        int suites = body.BeginVector(2); // cipher_suites
        foreach (TlsCipherSuiteInfo suite in TlsCipherSuiteInfo.Offered)
        {
            body.WriteUInt16(suite.Number);
        }

        body.EndVector(suites, 2);
        body.WriteUInt8(1); // compression_methods: null only
        body.WriteUInt8(0);

        int extensions = body.BeginVector(2);

        // RFC 8422 5.1.1: supported_groups (NamedGroupList).
        body.WriteUInt16((int)TlsExtensionType.SupportedGroups);
        int groupsData = body.BeginVector(2);
        int groups = body.BeginVector(2);
        foreach (TlsNamedGroup group in s_groups)
        {
            body.WriteUInt16((int)group);
        }

        body.EndVector(groups, 2);
        body.EndVector(groupsData, 2);

        // RFC 8422 5.1.2: ec_point_formats: uncompressed only.
        body.WriteUInt16((int)TlsExtensionType.EcPointFormats);
        body.WriteUInt16(2);
        body.WriteUInt8(1);
        body.WriteUInt8(0);

        // RFC 5246 7.4.1.4.1: signature_algorithms (supported_signature_algorithms).
        body.WriteUInt16((int)TlsExtensionType.SignatureAlgorithms);
        int algorithmsData = body.BeginVector(2);
        int algorithms = body.BeginVector(2);
        foreach (TlsSignatureScheme scheme in s_signatureSchemes)
        {
            body.WriteUInt16((int)scheme);
        }

        body.EndVector(algorithms, 2);
        body.EndVector(algorithmsData, 2);

        // RFC 7627 5.1: extended_master_secret, empty.
        body.WriteUInt16((int)TlsExtensionType.ExtendedMasterSecret);
        body.WriteUInt16(0);

        // RFC 5746 3.4: renegotiation_info with an empty renegotiated_connection.
        body.WriteUInt16((int)TlsExtensionType.RenegotiationInfo);
        body.WriteUInt16(1);
        body.WriteUInt8(0);

        body.EndVector(extensions, 2);
        return HandshakeMessage(TlsHandshakeType.ClientHello, body.WrittenSpan);
    }

    /// <summary>[RFC 5246 7.4.1.3] ServerHello: TLS 1.2, a suite and extensions this client offered.</summary>
    private void ReceiveServerHello(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt16(out int version))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHello ends before server_version");
            return;
        }

        if (version != Tls12Version)
        {
            Fail(TlsAlertDescription.ProtocolVersion, $"ServerHello.server_version is 0x{version:X4}; only TLS 1.2 (0x0303) was offered");
            return;
        }

        if (!reader.TryReadBytes(RandomLength, out ReadOnlySpan<byte> random))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHello ends inside random");
            return;
        }

        if (!reader.TryReadVector8(out ReadOnlySpan<byte> sessionId) || sessionId.Length > 32)
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHello.session_id is malformed (longer than 32 bytes or truncated)");
            return;
        }

        if (!reader.TryReadUInt16(out int suiteNumber))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHello ends before cipher_suite");
            return;
        }

        TlsCipherSuiteInfo? suite = TlsCipherSuiteInfo.Find(suiteNumber);
        if (suite is null)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerHello.cipher_suite 0x{suiteNumber:X4} was not offered");
            return;
        }

        if (!reader.TryReadUInt8(out byte compression))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHello ends before compression_method");
            return;
        }

        if (compression != 0)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerHello.compression_method {compression} was not offered (only null, 0)");
            return;
        }

        // RFC 5246 7.4.1.3: the extensions field is optional; when present it holds the rest of the message.
        if (!reader.IsEmpty && (!reader.TryReadVector16(out ReadOnlySpan<byte> extensions) || !reader.IsEmpty || !ReceiveServerExtensions(extensions)))
        {
            if (_state != TlsClientState.Failed)
            {
                Fail(TlsAlertDescription.DecodeError, "ServerHello.extensions is malformed");
            }

            return;
        }

        _serverRandom = random.ToArray();
        _suite = suite;
        _state = TlsClientState.AwaitCertificate;
    }

    /// <summary>False (with the failure set, or for the caller's decode_error) when an extension is malformed or was not offered.</summary>
    private bool ReceiveServerExtensions(ReadOnlySpan<byte> extensions)
    {
        var reader = new TlsReader(extensions);
        var seen = new List<int>();
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadUInt16(out int type) || !reader.TryReadVector16(out ReadOnlySpan<byte> data))
            {
                return false;
            }

            // RFC 5246 7.4.1.4: there MUST NOT be more than one extension of the same type.
            if (seen.Contains(type))
            {
                Fail(TlsAlertDescription.DecodeError, $"ServerHello carries extension {type} twice");
                return false;
            }

            seen.Add(type);
            switch ((TlsExtensionType)type)
            {
                case TlsExtensionType.RenegotiationInfo:
                    // RFC 5746 3.4: renegotiated_connection must be empty on an initial handshake.
                    if (data.Length != 1 || data[0] != 0)
                    {
                        Fail(TlsAlertDescription.HandshakeFailure, "ServerHello.renegotiation_info is not empty on the initial handshake");
                        return false;
                    }

                    break;
                case TlsExtensionType.ExtendedMasterSecret:
                    if (!data.IsEmpty)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ServerHello.extended_master_secret is not empty");
                        return false;
                    }

                    _extendedMasterSecret = true;
                    break;
                case TlsExtensionType.EcPointFormats:
                    // RFC 8422 5.2: the server's list must include uncompressed (0).
                    var formats = new TlsReader(data);
                    if (!formats.TryReadVector8(out ReadOnlySpan<byte> list) || !formats.IsEmpty || list.IsEmpty)
                    {
                        Fail(TlsAlertDescription.DecodeError, "ServerHello.ec_point_formats is malformed");
                        return false;
                    }

                    if (!list.Contains((byte)0))
                    {
                        Fail(TlsAlertDescription.IllegalParameter, "ServerHello.ec_point_formats does not include uncompressed (0)");
                        return false;
                    }

                    break;
                case TlsExtensionType.SupportedGroups:
                case TlsExtensionType.SignatureAlgorithms:
                    // Offered, and meaningless from a TLS 1.2 server: some send them anyway. Tolerated, ignored.
                    break;
                default:
                    // RFC 5246 7.4.1.4: an extension the client did not offer is fatal.
                    Fail(TlsAlertDescription.UnsupportedExtension, $"ServerHello carries extension {type}, which was not offered");
                    return false;
            }
        }

        return true;
    }

    /// <summary>[RFC 5246 7.4.2] Certificate: the chain is recorded; the leaf's RSA key verifies or encrypts.</summary>
    private void ReceiveCertificate(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadVector24(out ReadOnlySpan<byte> list) || !reader.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "Certificate.certificate_list length does not match the message");
            return;
        }

        var entries = new TlsReader(list);
        while (!entries.IsEmpty)
        {
            if (!entries.TryReadVector24(out ReadOnlySpan<byte> certificate) || certificate.IsEmpty)
            {
                Fail(TlsAlertDescription.DecodeError, $"Certificate.certificate_list entry {_serverCertificates.Count} is truncated or empty");
                return;
            }

            if (_serverCertificates.Count == MaxCertificates)
            {
                Fail(TlsAlertDescription.BadCertificate, $"Certificate.certificate_list holds more than {MaxCertificates} certificates");
                return;
            }

            _serverCertificates.Add(certificate.ToArray());
        }

        if (_serverCertificates.Count == 0)
        {
            // RFC 5246 7.4.2: RSA and ECDHE_RSA need the server's certificate.
            Fail(TlsAlertDescription.HandshakeFailure, "Certificate.certificate_list is empty");
            return;
        }

        CertificateCheck check = X509ChainReader.TryGetLeafPublicKey([_serverCertificates[0]], out RsaPublicKey? key, out string? detail);
        if (check != CertificateCheck.Valid || key is null)
        {
            TlsAlertDescription alert = check == CertificateCheck.UnsupportedKey ? TlsAlertDescription.UnsupportedCertificate : TlsAlertDescription.BadCertificate;
            Fail(alert, $"the server's certificate has no usable RSA key: {detail}");
            return;
        }

        _serverKey = key;
        _state = _suite!.IsEcdhe ? TlsClientState.AwaitServerKeyExchange : TlsClientState.AwaitServerHelloDone;
    }

    /// <summary>
    /// [RFC 8422 5.4] ServerKeyExchange of ECDHE_RSA: ServerECDHParams (named_curve, the curve, the server's point)
    /// and its signature over client_random + server_random + params with the certificate's key [RFC 5246 7.4.3].
    /// </summary>
    private void ReceiveServerKeyExchange(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt8(out byte curveType) || !reader.TryReadUInt16(out int group) || !reader.TryReadVector8(out ReadOnlySpan<byte> point))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerKeyExchange.params is truncated");
            return;
        }

        // RFC 8422 5.4: named_curve (3) is the only curve_type left.
        if (curveType != 3)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerKeyExchange.params.curve_params.curve_type is {curveType}, not named_curve (3)");
            return;
        }

        if (Array.IndexOf(s_groups, (TlsNamedGroup)group) < 0)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerKeyExchange.params.curve_params.namedcurve {group} was not offered");
            return;
        }

        int expectedPointLength = (TlsNamedGroup)group == TlsNamedGroup.X25519 ? 32 : P256.UncompressedPointLength;
        if (point.Length != expectedPointLength)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerKeyExchange.params.public is {point.Length} bytes, not the {expectedPointLength} of {(TlsNamedGroup)group}");
            return;
        }

        int paramsLength = body.Length - reader.Remaining;
        if (!reader.TryReadUInt16(out int scheme))
        {
            Fail(TlsAlertDescription.DecodeError, "ServerKeyExchange ends before signed_params.algorithm");
            return;
        }

        if (Array.IndexOf(s_signatureSchemes, (TlsSignatureScheme)scheme) < 0)
        {
            Fail(TlsAlertDescription.IllegalParameter, $"ServerKeyExchange.signed_params.algorithm 0x{scheme:X4} was not offered");
            return;
        }

        if (!reader.TryReadVector16(out ReadOnlySpan<byte> signature) || !reader.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "ServerKeyExchange.signed_params.signature length does not match the message");
            return;
        }

        byte[] signed = [.. _clientRandom, .. _serverRandom, .. body[..paramsLength]];
        if (!TlsRsa.Verify(_serverKey!, (TlsSignatureScheme)scheme, signed, signature))
        {
            // RFC 5246 7.2.2: decrypt_error covers a signature that does not verify.
            Fail(TlsAlertDescription.DecryptError, $"the ServerKeyExchange signature (0x{scheme:X4}) does not verify with the certificate's key");
            return;
        }

        _serverGroup = (TlsNamedGroup)group;
        _serverEcdhPublic = point.ToArray();
        _state = TlsClientState.AwaitServerHelloDone;
    }

    /// <summary>[RFC 5246 7.4.4] CertificateRequest: checked for form only; answered with an empty Certificate.</summary>
    private void ReceiveCertificateRequest(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadVector8(out ReadOnlySpan<byte> types) || types.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "CertificateRequest.certificate_types is malformed");
            return;
        }

        if (!reader.TryReadVector16(out ReadOnlySpan<byte> algorithms) || algorithms.IsEmpty || algorithms.Length % 2 != 0)
        {
            Fail(TlsAlertDescription.DecodeError, "CertificateRequest.supported_signature_algorithms is malformed");
            return;
        }

        if (!reader.TryReadVector16(out _) || !reader.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "CertificateRequest.certificate_authorities is malformed");
            return;
        }

        _certificateRequested = true;
    }

    /// <summary>
    /// [RFC 5246 7.4.5] ServerHelloDone: the client's flight follows: Certificate (empty, if asked), ClientKeyExchange,
    /// ChangeCipherSpec, Finished.
    /// </summary>
    private void ReceiveServerHelloDone(ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty)
        {
            Fail(TlsAlertDescription.DecodeError, "ServerHelloDone is not empty");
            return;
        }

        var flight = new TlsWriter(512);
        if (_certificateRequested)
        {
            // RFC 5246 7.4.6: with no suitable certificate, a Certificate message with no certificates.
            flight.Write(AppendToTranscript(HandshakeMessage(TlsHandshakeType.Certificate, [0, 0, 0])));
        }

        byte[] preMasterSecret;
        var clientKeyExchange = new TlsWriter(300);
        if (_suite!.IsEcdhe)
        {
            // RFC 8422 5.7: ClientECDiffieHellmanPublic, ecdh_Yc<1..2^8-1>.
            var share = TlsKeyShare.Create(_serverGroup, _random);
            if (!share.TryAgree(_serverEcdhPublic, out preMasterSecret))
            {
                Fail(TlsAlertDescription.IllegalParameter, $"the server's ECDHE public value is not a valid {_serverGroup} point");
                return;
            }

            int yc = clientKeyExchange.BeginVector(1);
            clientKeyExchange.Write(share.PublicKey);
            clientKeyExchange.EndVector(yc, 1);
        }
        else
        {
            // RFC 5246 7.4.7.1: PreMasterSecret = client_version (the offered one) + 46 random bytes, RSA-encrypted.
            preMasterSecret = new byte[RsaPreMasterSecretLength];
            preMasterSecret[0] = Tls12Version >> 8;
            preMasterSecret[1] = Tls12Version & 0xFF;
            _random.GetBytes(preMasterSecret.AsSpan(2));
            if (_serverKey!.ModulusLength < RsaPreMasterSecretLength + 11)
            {
                Fail(TlsAlertDescription.InsufficientSecurity, "the server's RSA key is too short to carry the premaster secret");
                return;
            }

            int encrypted = clientKeyExchange.BeginVector(2);
            clientKeyExchange.Write(TlsRsa.EncryptPkcs1(_serverKey, preMasterSecret, _random));
            clientKeyExchange.EndVector(encrypted, 2);
        }

        flight.Write(AppendToTranscript(HandshakeMessage(TlsHandshakeType.ClientKeyExchange, clientKeyExchange.WrittenSpan)));
        DeriveKeys(preMasterSecret);
        CryptographicOperations.ZeroMemory(preMasterSecret);

        _records.WriteRecord(TlsContentType.Handshake, flight.WrittenSpan, Tls12Version);

        // RFC 5246 7.1: ChangeCipherSpec, then every record of ours is protected with the new keys.
        _records.SendChangeCipherSpec(Tls12Version);

        byte[] verifyData = TlsKeySchedule.VerifyData(_suite, _masterSecret, "client finished", _transcript.WrittenSpan);
        _records.WriteRecord(TlsContentType.Handshake, AppendToTranscript(HandshakeMessage(TlsHandshakeType.Finished, verifyData)), Tls12Version);
        _state = TlsClientState.AwaitChangeCipherSpec;
    }

    /// <summary>master_secret, then this side's record protection for the next ChangeCipherSpec ([RFC 5246 8.1, 6.3]).</summary>
    private void DeriveKeys(ReadOnlySpan<byte> preMasterSecret)
    {
        _masterSecret = TlsKeySchedule.MasterSecret(_suite!, _extendedMasterSecret, preMasterSecret, _clientRandom, _serverRandom, _transcript.WrittenSpan);

        // NSS key log format: CLIENT_RANDOM <ClientHello.random> <master_secret>, what TLS 1.2 decryption needs.
        _keyLog?.Write("CLIENT_RANDOM", _clientRandom, _masterSecret);

        (TlsRecordCipher read, TlsRecordCipher write) = TlsKeySchedule.RecordCiphers(_suite!, _masterSecret, _clientRandom, _serverRandom, isClient: true, _random);
        _records.SetPendingCiphers(read, write);
    }

    /// <summary>[RFC 5246 7.4.9] The server's Finished: PRF(master_secret, "server finished", Hash(handshake_messages)).</summary>
    private void ReceiveFinished(ReadOnlySpan<byte> body)
    {
        if (body.Length != TlsKeySchedule.VerifyDataLength)
        {
            Fail(TlsAlertDescription.DecodeError, $"Finished.verify_data is {body.Length} bytes, not {TlsKeySchedule.VerifyDataLength}");
            return;
        }

        byte[] expected = TlsKeySchedule.VerifyData(_suite!, _masterSecret, "server finished", _transcript.WrittenSpan);
        if (!CryptographicOperations.FixedTimeEquals(expected, body))
        {
            Fail(TlsAlertDescription.DecryptError, "the server's Finished.verify_data does not match the handshake");
            return;
        }

        _handshakeComplete = true;
        _state = TlsClientState.Complete;

        // Nothing hashes the handshake any more (no renegotiation); the master secret is not needed either.
        _transcript.Clear();
        CryptographicOperations.ZeroMemory(_masterSecret);
    }

    // ---- Output ----

    private static byte[] HandshakeMessage(TlsHandshakeType type, ReadOnlySpan<byte> body) => TlsHandshakeMessages.Build(type, body);

    private byte[] AppendToTranscript(byte[] message)
    {
        _transcript.Write(message);
        return message;
    }

    private void SendAlert(byte level, TlsAlertDescription description) => _records.SendAlert(level, description);

    /// <summary>Fails the session and queues the fatal alert; the first failure is the one reported.</summary>
    private void Fail(TlsAlertDescription alert, string message)
    {
        _records.Fail(alert, message);
        _state = TlsClientState.Failed;
    }

    private string Waiting() => _state switch
    {
        TlsClientState.AwaitServerHello => "waited for ServerHello",
        TlsClientState.AwaitCertificate => "waited for Certificate",
        TlsClientState.AwaitServerKeyExchange => "waited for ServerKeyExchange",
        TlsClientState.AwaitServerHelloDone => _certificateRequested ? "waited for ServerHelloDone" : "waited for CertificateRequest or ServerHelloDone",
        TlsClientState.AwaitChangeCipherSpec => "waited for ChangeCipherSpec",
        TlsClientState.AwaitFinished => "waited for Finished",
        _ => "had finished the handshake",
    };
}
