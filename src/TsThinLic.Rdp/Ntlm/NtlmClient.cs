using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using TsThinLic.Crypto;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 3.1.5.1] The client side of NTLMv2 authentication, sans-I/O: <see cref="CreateNegotiate"/> writes the
/// NEGOTIATE_MESSAGE; <see cref="TryAuthenticate"/> takes the server's CHALLENGE_MESSAGE and writes the
/// AUTHENTICATE_MESSAGE (NTLMv2 response echoing the TargetInfo with MsvAvTimestamp and MsvAvFlags, MIC, key exchange),
/// and yields the session security that seals what follows. The response key is derived from the NT hash it is given,
/// which it zeroes once used; the client challenge and the session key come from the injected random source, the time
/// (when the server sends no MsvAvTimestamp) from the injected clock.
/// </summary>
public sealed class NtlmClient
{
    private const int ClientChallengeLength = 8;
    private const int SessionKeyLength = 16;

    /// <summary>The flags the server must grant for CredSSP's sealing: anything weaker is refused, never used.</summary>
    private const NtlmNegotiateFlags RequiredFlags = NtlmNegotiateFlags.Sign | NtlmNegotiateFlags.Seal
        | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.Negotiate128 | NtlmNegotiateFlags.Unicode;

    /// <summary>Flags that stay set only when the server set them too ([MS-NLMP 3.1.5.1.2]).</summary>
    private const NtlmNegotiateFlags NegotiableFlags = NtlmNegotiateFlags.Sign | NtlmNegotiateFlags.Seal | NtlmNegotiateFlags.AlwaysSign
        | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.Negotiate128 | NtlmNegotiateFlags.Negotiate56
        | NtlmNegotiateFlags.KeyExchange | NtlmNegotiateFlags.Version | NtlmNegotiateFlags.TargetInfo | NtlmNegotiateFlags.Unicode
        | NtlmNegotiateFlags.Oem | NtlmNegotiateFlags.LmKey | NtlmNegotiateFlags.Identify | NtlmNegotiateFlags.Datagram;

    private readonly NtlmClientOptions _options;
    private readonly byte[] _ntHash;
    private readonly IRandomSource _random;
    private readonly TimeProvider _time;
    private byte[]? _negotiate;

    /// <param name="options">Who the client is.</param>
    /// <param name="ntHash">MD4 of the UTF-16LE password (16 bytes): copied, and the copy zeroed once the response is made.</param>
    /// <param name="random">Client challenge and exported session key.</param>
    /// <param name="time">The timestamp of the response when the server sends none.</param>
    public NtlmClient(NtlmClientOptions options, ReadOnlySpan<byte> ntHash, IRandomSource random, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        if (ntHash.Length != NtlmCrypto.HashLength)
        {
            throw new ArgumentException("The NT hash is 16 bytes.", nameof(ntHash));
        }

        _options = options;
        _ntHash = ntHash.ToArray();
        _random = random;
        _time = time;
    }

    /// <summary>The server's CHALLENGE_MESSAGE, once received.</summary>
    public NtlmChallengeMessage? Challenge { get; private set; }

    /// <summary>The flags of the AUTHENTICATE_MESSAGE, once written.</summary>
    public NtlmNegotiateFlags? NegotiatedFlags { get; private set; }

    /// <summary>Whether the AUTHENTICATE_MESSAGE carries a MIC (the server sent MsvAvTimestamp).</summary>
    public bool MicSent { get; private set; }

    /// <summary>The NEGOTIATE_MESSAGE (kept for the MIC).</summary>
    public byte[] CreateNegotiate()
    {
        if (_negotiate is not null)
        {
            throw new InvalidOperationException("The NEGOTIATE_MESSAGE was already made.");
        }

        _negotiate = new NtlmNegotiateMessage(_options.Flags, (_options.Flags & NtlmNegotiateFlags.Version) != 0 ? _options.Version : null).ToArray();
        return _negotiate;
    }

    /// <summary>
    /// [MS-NLMP 3.1.5.1.2] Answers the CHALLENGE_MESSAGE. False with the reason when the message is malformed or the
    /// server refuses the session security the client needs (then nothing derived from the password leaves).
    /// </summary>
    public bool TryAuthenticate(ReadOnlyMemory<byte> challengeMessage, [NotNullWhen(true)] out byte[]? authenticate, [NotNullWhen(true)] out NtlmSessionSecurity? security, [NotNullWhen(false)] out string? problem, out DecodeError? decodeError)
    {
        authenticate = null;
        security = null;
        decodeError = null;
        if (_negotiate is null)
        {
            throw new InvalidOperationException("Create the NEGOTIATE_MESSAGE first.");
        }

        if (Challenge is not null)
        {
            throw new InvalidOperationException("The CHALLENGE_MESSAGE was already answered.");
        }

        if (!NtlmChallengeMessage.TryDecode(challengeMessage, out NtlmChallengeMessage? challenge, out DecodeError error))
        {
            decodeError = error;
            problem = $"the NTLM CHALLENGE_MESSAGE is malformed: {error}";
            return false;
        }

        Challenge = challenge;
        NtlmNegotiateFlags flags = _options.Flags & ~(NegotiableFlags & ~challenge.Flags);
        if (_options.RequireSessionSecurity && (flags & RequiredFlags) != RequiredFlags)
        {
            problem = $"the server refused NTLM session security the client requires (missing: {RequiredFlags & ~flags}); it is not used weaker";
            CryptographicOperations.ZeroMemory(_ntHash);
            return false;
        }

        long? serverTime = challenge.TargetInfo.Timestamp;
        bool mic = serverTime is not null;
        NtlmTargetInfo echoed = challenge.TargetInfo;
        if (mic)
        {
            // [MS-NLMP 3.1.5.1.2]: with MsvAvTimestamp the client SHOULD send a MIC and say so in MsvAvFlags.
            uint avFlags = echoed.Find(NtlmAvId.Flags) is { Length: 4 } existing ? BinaryPrimitives.ReadUInt32LittleEndian(existing.Span) : 0;
            byte[] value = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(value, avFlags | NtlmTargetInfo.MicProvided);
            echoed = echoed.With(new NtlmAvPair(NtlmAvId.Flags, value));
        }

        if (_options.EmptyChannelBindings)
        {
            echoed = echoed.With(new NtlmAvPair(NtlmAvId.ChannelBindings, new byte[16]));
        }

        if (_options.TargetName is { Length: > 0 } spn)
        {
            echoed = echoed.With(new NtlmAvPair(NtlmAvId.TargetName, Encoding.Unicode.GetBytes(spn)));
        }

        byte[] clientChallenge = new byte[ClientChallengeLength];
        _random.GetBytes(clientChallenge);
        long time = serverTime ?? _time.GetUtcNow().ToFileTime();

        // [MS-NLMP 3.3.2] NTLMv2.
        byte[] responseKey = new byte[NtlmCrypto.HashLength];
        NtlmCrypto.NtowfV2(_ntHash, _options.UserName, _options.Domain, responseKey);
        CryptographicOperations.ZeroMemory(_ntHash);
        byte[] temp = Temp(time, clientChallenge, echoed.ToArray());
        byte[] ntProofStr = new byte[NtlmCrypto.HashLength];
        NtlmCrypto.HmacMd5(responseKey, challenge.ServerChallenge.Span, temp, ntProofStr);
        byte[] ntResponse = [.. ntProofStr, .. temp];

        // With MsvAvTimestamp the client MUST NOT send an LMv2 response: Z(24) instead.
        byte[] lmResponse = new byte[24];
        if (!mic)
        {
            NtlmCrypto.HmacMd5(responseKey, challenge.ServerChallenge.Span, clientChallenge, lmResponse.AsSpan(0, NtlmCrypto.HashLength));
            clientChallenge.CopyTo(lmResponse, NtlmCrypto.HashLength);
        }

        byte[] sessionBaseKey = new byte[NtlmCrypto.HashLength];
        NtlmCrypto.HmacMd5(responseKey, ntProofStr, sessionBaseKey);
        CryptographicOperations.ZeroMemory(responseKey);

        // [MS-NLMP 3.4.5.1] KXKEY: the session base key under NTLMv2. With NTLMSSP_NEGOTIATE_KEY_EXCH a random session key
        // travels RC4-encrypted under it.
        byte[] exportedSessionKey;
        byte[] encryptedRandomSessionKey;
        if ((flags & NtlmNegotiateFlags.KeyExchange) != 0)
        {
            exportedSessionKey = new byte[SessionKeyLength];
            _random.GetBytes(exportedSessionKey);
            encryptedRandomSessionKey = new byte[SessionKeyLength];
            Rc4.Transform(sessionBaseKey, exportedSessionKey, encryptedRandomSessionKey);
        }
        else
        {
            exportedSessionKey = sessionBaseKey.ToArray();
            encryptedRandomSessionKey = [];
        }

        CryptographicOperations.ZeroMemory(sessionBaseKey);
        NtlmVersion? version = (flags & NtlmNegotiateFlags.Version) != 0 ? _options.Version : null;
        var message = new NtlmAuthenticateMessage(
            flags,
            lmResponse,
            ntResponse,
            Encoding.Unicode.GetBytes(_options.Domain),
            Encoding.Unicode.GetBytes(_options.UserName),
            Encoding.Unicode.GetBytes(_options.Workstation),
            encryptedRandomSessionKey,
            version ?? (mic ? _options.Version : null),
            mic ? new byte[NtlmAuthenticateMessage.MicLength] : (ReadOnlyMemory<byte>?)null);
        authenticate = message.ToArray();
        if (mic)
        {
            // [MS-NLMP 3.1.5.1.2]: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE with the MIC zeroed).
            NtlmCrypto.Mic(exportedSessionKey, _negotiate, challengeMessage.Span, authenticate, authenticate.AsSpan(NtlmAuthenticateMessage.MicOffset, NtlmAuthenticateMessage.MicLength));
        }

        NegotiatedFlags = flags;
        MicSent = mic;
        security = new NtlmSessionSecurity(exportedSessionKey, flags, isClient: true);
        CryptographicOperations.ZeroMemory(exportedSessionKey);
        problem = null;
        return true;
    }

    // [MS-NLMP 3.3.2]: temp = Responserversion (1), HiResponserversion (1), Z(6), Time, ClientChallenge, Z(4), ServerName, Z(4).
    private static byte[] Temp(long time, ReadOnlySpan<byte> clientChallenge, ReadOnlySpan<byte> serverName)
    {
        byte[] temp = new byte[1 + 1 + 6 + 8 + ClientChallengeLength + 4 + serverName.Length + 4];
        temp[0] = 1;
        temp[1] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(temp.AsSpan(8), time);
        clientChallenge.CopyTo(temp.AsSpan(16));
        serverName.CopyTo(temp.AsSpan(28));
        return temp;
    }
}
