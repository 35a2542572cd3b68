using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Ntlm;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [MS-CSSP 3.1.5] The client side of CredSSP over NTLMv2, sans-I/O: TSRequests in, TSRequests out, one whole message
/// at a time. The server must prove it holds the TLS certificate's key (pubKeyAuth over the certificate's
/// SubjectPublicKey, bound to a client nonce from version 5 on) before the credentials leave, sealed. Versions 2 to 6:
/// the client announces its own and follows the server's.
/// </summary>
public sealed class CredSspClient
{
    /// <summary>The highest TSRequest version this client speaks.</summary>
    public const int HighestVersion = 6;

    /// <summary>The lowest server version accepted (version 1 predates the public-key binding as specified).</summary>
    public const int LowestVersion = 2;

    private static ReadOnlySpan<byte> ClientServerHashMagic => "CredSSP Client-To-Server Binding Hash\0"u8;

    private static ReadOnlySpan<byte> ServerClientHashMagic => "CredSSP Server-To-Client Binding Hash\0"u8;

    private readonly NlaCredentials _credentials;
    private readonly byte[] _serverPublicKey;
    private readonly CredSspClientOptions _options;
    private readonly IRandomSource _random;
    private readonly NtlmClient _ntlm;
    private NtlmSessionSecurity? _security;
    private byte[]? _clientNonce;
    private State _state = State.Initial;

    /// <param name="credentials">Who logs on; the password is read once, when the credentials are sealed.</param>
    /// <param name="serverPublicKey">The TLS server certificate's SubjectPublicKey (the BIT STRING's contents).</param>
    /// <param name="options">Token format, version, SPN, workstation.</param>
    /// <param name="random">NTLM's client challenge and session key, the client nonce: never a recorded source.</param>
    /// <param name="time">NTLM's timestamp when the server sends none.</param>
    public CredSspClient(NlaCredentials credentials, ReadOnlyMemory<byte> serverPublicKey, CredSspClientOptions options, IRandomSource random, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        if (serverPublicKey.IsEmpty)
        {
            throw new ArgumentException("CredSSP needs the TLS server's public key.", nameof(serverPublicKey));
        }

        if (options.Version is < LowestVersion or > HighestVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"TSRequest version {options.Version} is not one of {LowestVersion}-{HighestVersion}.");
        }

        _credentials = credentials;
        _serverPublicKey = serverPublicKey.ToArray();
        _options = options;
        _random = random;
        byte[] ntHash = new byte[NtlmCrypto.HashLength];
        NtlmCrypto.NtHash(credentials.Password, ntHash);
        _ntlm = new NtlmClient(
            new NtlmClientOptions
            {
                UserName = credentials.UserName,
                Domain = credentials.Domain,
                Workstation = options.Workstation,
                TargetName = options.TargetName,
                EmptyChannelBindings = true,
            },
            ntHash,
            random,
            time);
        CryptographicOperations.ZeroMemory(ntHash);
    }

    private enum State
    {
        Initial,
        AwaitingChallenge,
        AwaitingPubKeyAuth,
        Completed,
        Failed,
    }

    /// <summary>The version of the server's TSRequests, once one arrived.</summary>
    public int? ServerVersion { get; private set; }

    /// <summary>The version both follow: the lower of the client's and the server's.</summary>
    public int? NegotiatedVersion => ServerVersion is { } server ? Math.Min(server, _options.Version) : null;

    /// <summary>Raw NTLM or SPNEGO.</summary>
    public NlaTokenFormat TokenFormat => _options.TokenFormat;

    /// <summary>Whether the sealed credentials (authInfo) were written.</summary>
    public bool CredentialsSent { get; private set; }

    /// <summary>The NTLM client (the server's CHALLENGE_MESSAGE, the negotiated flags).</summary>
    public NtlmClient Ntlm => _ntlm;

    /// <summary>Whether the server's pubKeyAuth proved it holds the certificate's key.</summary>
    public bool ServerVerified { get; private set; }

    /// <summary>Each TSRequest in order: who sent it and which fields it carried (no contents).</summary>
    public List<(bool FromClient, string Fields, int Length)> Messages { get; } = [];

    /// <summary>Writes the first TSRequest: the NEGOTIATE_MESSAGE (raw or in a SPNEGO NegTokenInit).</summary>
    public CredSspStepResult Start(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state != State.Initial)
        {
            throw new InvalidOperationException("CredSSP has already started.");
        }

        byte[] negotiate = _ntlm.CreateNegotiate();
        byte[] token = _options.TokenFormat == NlaTokenFormat.Spnego ? Spnego.EncodeInit(negotiate) : negotiate;
        _state = State.AwaitingChallenge;
        return new CredSspStepResult(CredSspStatus.AwaitingMessage, Write(output, new TsRequest(_options.Version, [token])));
    }

    /// <summary>Consumes one whole TSRequest of the server.</summary>
    public CredSspStepResult Step(ReadOnlyMemory<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_state is State.Initial or State.Completed or State.Failed)
        {
            throw new InvalidOperationException($"No TSRequest is expected ({_state}).");
        }

        if (!TsRequest.TryDecode(message, out TsRequest? request, out DecodeError error))
        {
            return Fail(new NlaFailure(NlaFailureReason.MalformedMessage, $"the server's TSRequest is malformed: {error}", decodeError: error));
        }

        Messages.Add((false, Describe(request), message.Length));
        ServerVersion ??= request.Version;
        if (request.ErrorCode is { } code)
        {
            string when = _state == State.AwaitingChallenge ? "to the NEGOTIATE_MESSAGE" : "to the AUTHENTICATE_MESSAGE";
            return Fail(new NlaFailure(NtStatusCatalog.Reason(code), $"the server answered {when} with errorCode {NtStatusCatalog.Name(code)}: {NtStatusCatalog.Meaning(code)}", code));
        }

        return _state == State.AwaitingChallenge ? OnChallenge(request, output) : OnPubKeyAuth(request, output);
    }

    /// <summary>What the server closing the connection now means (it often closes instead of sending an errorCode).</summary>
    public NlaFailure ConnectionClosed() => _state switch
    {
        State.AwaitingChallenge => new NlaFailure(NlaFailureReason.Refused, $"the server closed the connection after the client's first TSRequest (version {_options.Version}, {FormatName}): it refuses this CredSSP version or token format"),
        State.AwaitingPubKeyAuth => new NlaFailure(NlaFailureReason.LogonFailure, "the server closed the connection after the NTLM AUTHENTICATE_MESSAGE without an errorCode: most likely a wrong user name or password, or an account that may not log on"),
        _ => new NlaFailure(NlaFailureReason.AccountRestriction, "the server closed the connection after the credentials were sent: it refused them or the account may not log on to it", credentialsSent: CredentialsSent),
    };

    private string FormatName => _options.TokenFormat == NlaTokenFormat.Spnego ? "NTLM in SPNEGO" : "raw NTLM";

    // [MS-CSSP 3.1.5 steps 2-3]: the CHALLENGE_MESSAGE in, the AUTHENTICATE_MESSAGE out with pubKeyAuth.
    private CredSspStepResult OnChallenge(TsRequest request, IBufferWriter<byte> output)
    {
        if (request.Version < LowestVersion)
        {
            return Fail(new NlaFailure(NlaFailureReason.Refused, $"the server speaks CredSSP version {request.Version}; this client speaks {LowestVersion}-{HighestVersion}"));
        }

        if (request.NegoTokens.Count == 0)
        {
            return Fail(new NlaFailure(NlaFailureReason.MalformedMessage, "the server's TSRequest carries no negoToken (the NTLM CHALLENGE_MESSAGE was expected)"));
        }

        ReadOnlyMemory<byte> challenge = request.NegoTokens[0];
        if (_options.TokenFormat == NlaTokenFormat.Spnego)
        {
            if (!Spnego.TryDecodeResp(challenge, out SpnegoNegTokenResp? response, out DecodeError spnegoError))
            {
                return Fail(new NlaFailure(NlaFailureReason.Refused, $"the server's answer is not a SPNEGO NegTokenResp: {spnegoError}", decodeError: spnegoError));
            }

            if (response.State == SpnegoNegState.Reject)
            {
                return Fail(new NlaFailure(NlaFailureReason.Refused, "the server rejected the SPNEGO negotiation (negState reject)"));
            }

            if (response.SupportedMechPresent && !response.SupportedMechIsNtlm)
            {
                return Fail(new NlaFailure(NlaFailureReason.Refused, "the server chose a SPNEGO mechanism other than NTLM (Kerberos?), which this client does not speak"));
            }

            if (response.ResponseToken is not { } token)
            {
                return Fail(new NlaFailure(NlaFailureReason.MalformedMessage, "the server's NegTokenResp carries no responseToken (the NTLM CHALLENGE_MESSAGE)"));
            }

            challenge = token;
        }
        else if (!challenge.Span.StartsWith("NTLMSSP\0"u8))
        {
            return Fail(new NlaFailure(NlaFailureReason.Refused, "the server did not answer with a raw NTLM CHALLENGE_MESSAGE (it may want SPNEGO)"));
        }

        if (!_ntlm.TryAuthenticate(challenge, out byte[]? authenticate, out NtlmSessionSecurity? security, out string? problem, out DecodeError? decodeError))
        {
            return Fail(new NlaFailure(decodeError is null ? NlaFailureReason.InsufficientSecurity : NlaFailureReason.MalformedMessage, problem, decodeError: decodeError));
        }

        _security = security;
        byte[] token2 = authenticate;
        if (_options.TokenFormat == NlaTokenFormat.Spnego)
        {
            // [MS-SPNG 3.1.5.1, 3.3.5.1]: the mechListMIC over the MechTypeList the client offered, the RC4 state then
            // restored, so pubKeyAuth is sealed from the state the MIC started from.
            byte[] mic = security.GetMechListMic(Spnego.NtlmMechTypeList);
            token2 = Spnego.EncodeResp(null, supportedMechNtlm: false, authenticate, mic);
        }

        int version = NegotiatedVersion!.Value;
        byte[] pubKeyAuth;
        if (version >= 5)
        {
            // [MS-CSSP 3.1.5]: SHA256("CredSSP Client-To-Server Binding Hash\0" + ClientNonce + SubjectPublicKey), sealed.
            _clientNonce = new byte[TsRequest.ClientNonceLength];
            _random.GetBytes(_clientNonce);
            pubKeyAuth = security.Seal(BindingHash(ClientServerHashMagic, _clientNonce, _serverPublicKey));
        }
        else
        {
            // Versions 2-4: the SubjectPublicKey itself, sealed.
            pubKeyAuth = security.Seal(_serverPublicKey);
        }

        _state = State.AwaitingPubKeyAuth;
        return new CredSspStepResult(CredSspStatus.AwaitingMessage, Write(output, new TsRequest(_options.Version, [token2], pubKeyAuth: pubKeyAuth, clientNonce: _clientNonce is null ? null : (ReadOnlyMemory<byte>?)_clientNonce)));
    }

    // [MS-CSSP 3.1.5 steps 4-5]: the server's pubKeyAuth checked, then the credentials, sealed.
    private CredSspStepResult OnPubKeyAuth(TsRequest request, IBufferWriter<byte> output)
    {
        NtlmSessionSecurity security = _security!;
        if (_options.TokenFormat == NlaTokenFormat.Spnego && request.NegoTokens.Count > 0)
        {
            if (!Spnego.TryDecodeResp(request.NegoTokens[0], out SpnegoNegTokenResp? response, out DecodeError spnegoError))
            {
                return Fail(new NlaFailure(NlaFailureReason.MalformedMessage, $"the server's last SPNEGO token is malformed: {spnegoError}", decodeError: spnegoError));
            }

            if (response.State == SpnegoNegState.Reject)
            {
                return Fail(new NlaFailure(NlaFailureReason.LogonFailure, "the server rejected the NTLM authentication (SPNEGO negState reject): wrong user name or password, or an account that may not log on"));
            }

            if (response.MechListMic is not { } mic || !security.VerifyMechListMic(Spnego.NtlmMechTypeList, mic.Span))
            {
                return Fail(new NlaFailure(NlaFailureReason.PublicKeyMismatch, "the server's SPNEGO mechListMIC is missing or does not verify: the negotiation may have been tampered with; no credentials were sent"));
            }
        }

        if (request.PubKeyAuth is not { } sealedKey)
        {
            return Fail(new NlaFailure(NlaFailureReason.MalformedMessage, "the server's TSRequest carries no pubKeyAuth and no errorCode"));
        }

        if (!security.TryUnseal(sealedKey.Span, out byte[] echo))
        {
            return Fail(new NlaFailure(NlaFailureReason.PublicKeyMismatch, "the server's pubKeyAuth does not unseal with the NTLM session keys: it did not take part in this authentication (possible interception); no credentials were sent"));
        }

        byte[] expected = NegotiatedVersion >= 5 ? BindingHash(ServerClientHashMagic, _clientNonce!, _serverPublicKey) : IncrementedKey(_serverPublicKey);
        if (!CryptographicOperations.FixedTimeEquals(echo, expected))
        {
            return Fail(new NlaFailure(NlaFailureReason.PublicKeyMismatch, "the server's pubKeyAuth is not bound to the TLS certificate's public key: someone may be intercepting the connection (a TLS proxy); no credentials were sent"));
        }

        ServerVerified = true;
        byte[] credentials = TsCredentials.EncodePassword(_credentials.Domain, _credentials.UserName, _credentials.Password);
        byte[] authInfo = security.Seal(credentials);
        CryptographicOperations.ZeroMemory(credentials);
        int written = Write(output, new TsRequest(_options.Version, authInfo: authInfo));
        CredentialsSent = true;
        _state = State.Completed;
        return new CredSspStepResult(CredSspStatus.Completed, written);
    }

    private static byte[] BindingHash(ReadOnlySpan<byte> magic, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> publicKey)
    {
        var sha256 = new Sha256Digest();
        sha256.BlockUpdate(magic);
        sha256.BlockUpdate(nonce);
        sha256.BlockUpdate(publicKey);
        byte[] hash = new byte[sha256.GetDigestSize()];
        sha256.DoFinal(hash);
        return hash;
    }

    // [MS-CSSP 3.1.5]: versions 2-4 echo the public key "incremented by one", as a little-endian integer (FreeRDP
    // decrements the echo the same way); the first byte of a DER key is 0x30, so only it changes in practice.
    private static byte[] IncrementedKey(ReadOnlySpan<byte> key)
    {
        byte[] incremented = key.ToArray();
        for (int i = 0; i < incremented.Length && ++incremented[i] == 0; i++)
        {
        }

        return incremented;
    }

    private int Write(IBufferWriter<byte> output, TsRequest request)
    {
        byte[] bytes = request.ToArray();
        output.Write(bytes);
        Messages.Add((true, Describe(request), bytes.Length));
        return bytes.Length;
    }

    private static string Describe(TsRequest request)
    {
        var fields = new List<string> { $"version {request.Version}" };
        if (request.NegoTokens.Count > 0)
        {
            fields.Add("negoTokens");
        }

        if (request.AuthInfo is not null)
        {
            fields.Add("authInfo");
        }

        if (request.PubKeyAuth is not null)
        {
            fields.Add("pubKeyAuth");
        }

        if (request.ErrorCode is { } code)
        {
            fields.Add($"errorCode {NtStatusCatalog.Name(code)}");
        }

        if (request.ClientNonce is not null)
        {
            fields.Add("clientNonce");
        }

        return string.Join(", ", fields);
    }

    private CredSspStepResult Fail(NlaFailure failure)
    {
        _state = State.Failed;
        return new CredSspStepResult(CredSspStatus.Failed, 0, failure);
    }
}
