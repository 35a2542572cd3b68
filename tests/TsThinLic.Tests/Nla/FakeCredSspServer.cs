using System.Security.Cryptography;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Ntlm;
using TsThinLic.Tests.TestSupport;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// The server side of CredSSP for tests, sans-I/O: takes the client's TSRequests and answers them as [MS-CSSP 3.2.5]
/// says, with knobs for every way a server can go wrong (another public key in pubKeyAuth, an errorCode, an old version,
/// SPNEGO, a wrong answer to the echo).
/// </summary>
internal sealed class FakeCredSspServer
{
    private readonly NtlmTestAcceptor _acceptor;
    private readonly byte[] _publicKey;
    private NtlmSessionSecurity? _security;
    private int _step;

    public FakeCredSspServer(byte[] publicKey, string user = "alice", string domain = "TESTDOM", string password = "S3cret!")
    {
        _publicKey = publicKey;
        _acceptor = new NtlmTestAcceptor(user, domain, password);
    }

    /// <summary>The TSRequest version the server speaks.</summary>
    public int Version { get; init; } = 6;

    /// <summary>Whether the server speaks SPNEGO (else raw NTLM).</summary>
    public bool Spnego { get; init; }

    /// <summary>A public key the server binds instead of the real one (an interceptor's).</summary>
    public byte[]? PubKeyAuthKey { get; init; }

    /// <summary>Close (answer nothing) when the client's first token is raw NTLM rather than SPNEGO.</summary>
    public bool RequireSpnego { get; init; }

    /// <summary>An errorCode the server sends instead of the CHALLENGE (step 0) or instead of pubKeyAuth (step 1).</summary>
    public (int Step, int Code)? ErrorCode { get; init; }

    /// <summary>Every TSRequest the client sent, as on the wire.</summary>
    public List<byte[]> ClientMessages { get; } = [];

    /// <summary>The credentials the client sent (domain, user, password), once unsealed.</summary>
    public (string Domain, string User, string Password)? Credentials { get; private set; }

    public NtlmTestAcceptor Acceptor => _acceptor;

    /// <summary>The server's answer to one client TSRequest, or null when it has none (after authInfo) or refuses.</summary>
    public byte[]? Handle(byte[] clientMessage, out string? problem)
    {
        ClientMessages.Add(clientMessage);
        problem = null;
        if (!TsRequest.TryDecode(clientMessage, out TsRequest? request, out var error))
        {
            problem = $"malformed TSRequest: {error}";
            return null;
        }

        int step = _step++;
        if (ErrorCode is { } injected && injected.Step == step)
        {
            return new TsRequest(Version, errorCode: injected.Code).ToArray();
        }

        switch (step)
        {
            case 0:
                {
                    byte[] negotiate = request.NegoTokens[0].ToArray();
                    if (RequireSpnego && negotiate[0] != 0x60)
                    {
                        problem = "raw NTLM refused: this server wants SPNEGO";
                        return null;
                    }

                    if (Spnego)
                    {
                        negotiate = SpnegoTestKit.MechTokenOfInit(negotiate);
                    }

                    byte[] challenge = _acceptor.CreateChallenge(negotiate);
                    byte[] token = Spnego ? TsThinLic.Rdp.Nla.Spnego.EncodeResp(SpnegoNegState.AcceptIncomplete, supportedMechNtlm: true, challenge, []) : challenge;
                    return new TsRequest(Version, [token]).ToArray();
                }

            case 1:
                {
                    ReadOnlyMemory<byte> token = request.NegoTokens[0];
                    ReadOnlyMemory<byte>? clientMic = null;
                    if (Spnego)
                    {
                        if (!TsThinLic.Rdp.Nla.Spnego.TryDecodeResp(token, out SpnegoNegTokenResp? response, out error))
                        {
                            problem = $"malformed NegTokenResp: {error}";
                            return null;
                        }

                        token = response.ResponseToken!.Value;
                        clientMic = response.MechListMic;
                    }

                    if (!_acceptor.TryAccept(token, out _security, out problem))
                    {
                        return null; // a server closes on a bad logon, as FreeRDP's does
                    }

                    byte[]? serverMic = null;
                    if (Spnego)
                    {
                        if (clientMic is not { } mic || !_security!.VerifyMechListMic(TsThinLic.Rdp.Nla.Spnego.NtlmMechTypeList, mic.Span))
                        {
                            problem = "the client's mechListMIC does not verify";
                            return null;
                        }

                        serverMic = _security.GetMechListMic(TsThinLic.Rdp.Nla.Spnego.NtlmMechTypeList);
                    }

                    if (!_security!.TryUnseal(request.PubKeyAuth!.Value.Span, out byte[] clientBinding))
                    {
                        problem = "the client's pubKeyAuth does not unseal";
                        return null;
                    }

                    byte[] key = PubKeyAuthKey ?? _publicKey;
                    byte[] answer;
                    if (Math.Min(Version, request.Version) >= 5)
                    {
                        byte[] nonce = request.ClientNonce!.Value.ToArray();
                        if (!clientBinding.AsSpan().SequenceEqual(Hash("CredSSP Client-To-Server Binding Hash\0"u8, nonce, _publicKey)))
                        {
                            problem = "the client's binding hash is not over the real key";
                            return null;
                        }

                        answer = Hash("CredSSP Server-To-Client Binding Hash\0"u8, nonce, key);
                    }
                    else
                    {
                        if (!clientBinding.AsSpan().SequenceEqual(_publicKey))
                        {
                            problem = "the client's pubKeyAuth is not the real key";
                            return null;
                        }

                        answer = key.ToArray();
                        answer[0]++;
                    }

                    IReadOnlyList<ReadOnlyMemory<byte>> tokens = Spnego ? [TsThinLic.Rdp.Nla.Spnego.EncodeResp(SpnegoNegState.AcceptCompleted, supportedMechNtlm: false, [], serverMic)] : [];
                    return new TsRequest(Version, tokens, pubKeyAuth: _security.Seal(answer)).ToArray();
                }

            default:
                {
                    if (!_security!.TryUnseal(request.AuthInfo!.Value.Span, out byte[] credentials)
                        || !TsCredentials.TryDecodePassword(credentials, out string? domain, out string? user, out string? password, out _))
                    {
                        problem = "authInfo does not unseal to TSCredentials";
                        return null;
                    }

                    Credentials = (domain, user, password);
                    return null;
                }
        }
    }

    private static byte[] Hash(ReadOnlySpan<byte> magic, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
        => SHA256.HashData([.. magic, .. nonce, .. key]);
}
