using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Ntlm;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// The server side of NTLMv2 for tests ([MS-NLMP 3.2.5]): writes a CHALLENGE_MESSAGE and checks an AUTHENTICATE_MESSAGE
/// the way a server does (NTProofStr, MIC, the echoed MsvAvTimestamp and MsvAvFlags), yielding the server's session
/// security. It is checked itself against .NET's managed NTLM client (ManagedNtlmCrossCheckTests).
/// </summary>
internal sealed class NtlmTestAcceptor
{
    public const NtlmNegotiateFlags ServerFlags = NtlmNegotiateFlags.Unicode | NtlmNegotiateFlags.RequestTarget | NtlmNegotiateFlags.Sign
        | NtlmNegotiateFlags.Seal | NtlmNegotiateFlags.Ntlm | NtlmNegotiateFlags.AlwaysSign | NtlmNegotiateFlags.TargetTypeDomain
        | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.TargetInfo | NtlmNegotiateFlags.Version
        | NtlmNegotiateFlags.Negotiate128 | NtlmNegotiateFlags.KeyExchange | NtlmNegotiateFlags.Negotiate56;

    private readonly string _user;
    private readonly string _domain;
    private readonly string _password;
    private byte[]? _negotiate;
    private byte[]? _challenge;

    public NtlmTestAcceptor(string user, string domain, string password, long timestamp = 0x01DA_0000_0000_0000, NtlmNegotiateFlags flags = ServerFlags)
    {
        _user = user;
        _domain = domain;
        _password = password;
        Timestamp = timestamp;
        Flags = flags;
    }

    public NtlmNegotiateFlags Flags { get; }

    public long Timestamp { get; }

    public byte[] ServerChallenge { get; } = Convert.FromHexString("1122334455667788");

    /// <summary>The TargetInfo the challenge carries: NetBIOS and DNS names, and MsvAvTimestamp.</summary>
    public NtlmTargetInfo TargetInfo => new(
    [
        new NtlmAvPair(NtlmAvId.NbDomainName, Encoding.Unicode.GetBytes("TESTDOM")),
        new NtlmAvPair(NtlmAvId.NbComputerName, Encoding.Unicode.GetBytes("RDS01")),
        new NtlmAvPair(NtlmAvId.DnsDomainName, Encoding.Unicode.GetBytes("test.example")),
        new NtlmAvPair(NtlmAvId.DnsComputerName, Encoding.Unicode.GetBytes("rds01.test.example")),
        new NtlmAvPair(NtlmAvId.Timestamp, BitConverter.GetBytes(Timestamp)),
    ]);

    /// <summary>The AUTHENTICATE_MESSAGE last accepted.</summary>
    public NtlmAuthenticateMessage? Authenticate { get; private set; }

    /// <summary>The echoed TargetInfo of the last NTLMv2 response.</summary>
    public NtlmTargetInfo? EchoedTargetInfo { get; private set; }

    public byte[] CreateChallenge(ReadOnlySpan<byte> negotiate)
    {
        _negotiate = negotiate.ToArray();
        _challenge = new NtlmChallengeMessage(Flags, ServerChallenge, Encoding.Unicode.GetBytes("TESTDOM"), TargetInfo, new NtlmVersion(10, 0, 20348)).ToArray();
        return _challenge;
    }

    /// <summary>Checks the AUTHENTICATE_MESSAGE as a server does; false with the reason when it would refuse the logon.</summary>
    public bool TryAccept(ReadOnlyMemory<byte> authenticate, out NtlmSessionSecurity? security, out string problem)
    {
        security = null;
        if (!NtlmAuthenticateMessage.TryDecode(authenticate, out NtlmAuthenticateMessage? message, out var error))
        {
            problem = $"malformed: {error}";
            return false;
        }

        Authenticate = message;
        ReadOnlySpan<byte> nt = message.NtChallengeResponse.Span;
        if (nt.Length < 16 + 28 + 4)
        {
            problem = "not an NTLMv2 response";
            return false;
        }

        byte[] ntHash = new byte[16];
        NtlmCrypto.NtHash(_password, ntHash);
        byte[] responseKey = new byte[16];
        NtlmCrypto.NtowfV2(ntHash, Encoding.Unicode.GetString(message.UserName.Span), Encoding.Unicode.GetString(message.DomainName.Span), responseKey);
        byte[] proof = new byte[16];
        NtlmCrypto.HmacMd5(responseKey, ServerChallenge, nt[16..], proof);
        if (!CryptographicOperations.FixedTimeEquals(proof, nt[..16]))
        {
            problem = "NTProofStr does not verify: wrong user name or password";
            return false;
        }

        if (!string.Equals(Encoding.Unicode.GetString(message.UserName.Span), _user, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Encoding.Unicode.GetString(message.DomainName.Span), _domain, StringComparison.OrdinalIgnoreCase))
        {
            problem = "unknown account";
            return false;
        }

        // temp: versions (2), Z(6), Time (8), ClientChallenge (8), Z(4), then the AV pairs.
        if (!NtlmTargetInfo.TryDecode(message.NtChallengeResponse[(16 + 28)..], 0, out NtlmTargetInfo? echoed, out error))
        {
            problem = $"the echoed TargetInfo is malformed: {error}";
            return false;
        }

        EchoedTargetInfo = echoed;
        if (echoed.Timestamp != Timestamp || BinaryPrimitives.ReadInt64LittleEndian(nt[24..]) != Timestamp)
        {
            problem = "MsvAvTimestamp not echoed, or not the response's time";
            return false;
        }

        byte[] sessionBaseKey = new byte[16];
        NtlmCrypto.HmacMd5(responseKey, nt[..16], sessionBaseKey);
        byte[] exported = sessionBaseKey;
        if ((message.Flags & NtlmNegotiateFlags.KeyExchange) != 0)
        {
            exported = new byte[16];
            Rc4.Transform(sessionBaseKey, message.EncryptedRandomSessionKey.Span, exported);
        }

        if (message.Mic is not { } mic)
        {
            problem = "no MIC, though the challenge had MsvAvTimestamp";
            return false;
        }

        uint avFlags = echoed.Find(NtlmAvId.Flags) is { Length: 4 } value ? BinaryPrimitives.ReadUInt32LittleEndian(value.Span) : 0;
        if ((avFlags & NtlmTargetInfo.MicProvided) == 0)
        {
            problem = "MsvAvFlags does not say the MIC is there";
            return false;
        }

        byte[] zeroed = authenticate.ToArray();
        zeroed.AsSpan(NtlmAuthenticateMessage.MicOffset, 16).Clear();
        byte[] expected = new byte[16];
        NtlmCrypto.Mic(exported, _negotiate, _challenge, zeroed, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mic.Span))
        {
            problem = "the MIC does not verify";
            return false;
        }

        security = new NtlmSessionSecurity(exported, message.Flags, isClient: false);
        problem = string.Empty;
        return true;
    }
}
