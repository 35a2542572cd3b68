using System.Text;
using TsThinLic.Rdp.Ntlm;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// [MS-NLMP 4.2.4] NTLMv2 authentication, the spec's own example (4.2.1 common values: user "User", domain "Domain",
/// password "Password", workstation "COMPUTER", random session key 0x55 × 16, time 0, client challenge 0xaa × 8,
/// server challenge 0123456789abcdef): every listed value reproduced, and the AUTHENTICATE_MESSAGE byte for byte.
/// </summary>
public sealed class NtlmSpecVectorTests
{
    // 4.2.4.3 CHALLENGE_MESSAGE: flags 0xe28a8233, TargetName "Server", TargetInfo {NbDomainName "Domain", NbComputerName "Server"}.
    private static readonly byte[] s_challenge = Convert.FromHexString(
        "4e544c4d53535000" + "02000000" + "0c000c0038000000" + "33828ae2" + "0123456789abcdef" + "0000000000000000"
        + "2400240044000000" + "060070170000000f"
        + "530065007200760065007200" // TargetName "Server"
        + "02000c0044006f006d00610069006e00" // MsvAvNbDomainName "Domain"
        + "01000c005300650072007600650072000000" + "0000"); // MsvAvNbComputerName "Server", MsvAvEOL

    // 4.2.4.3 AUTHENTICATE_MESSAGE.
    internal const string AuthenticateHex =
        "4e544c4d53535000" + "03000000" // Signature, MessageType
        + "180018006c000000" // LmChallengeResponseFields: 24 at 0x6c
        + "5400540084000000" // NtChallengeResponseFields: 84 at 0x84
        + "0c000c0048000000" // DomainNameFields: 12 at 0x48
        + "0800080054000000" // UserNameFields: 8 at 0x54
        + "100010005c000000" // WorkstationFields: 16 at 0x5c
        + "10001000d8000000" // EncryptedRandomSessionKeyFields: 16 at 0xd8
        + "358288e2" // NegotiateFlags
        + "0501280a0000000f" // Version 5.1.2600, revision 0x0F
        + "44006f006d00610069006e00" // "Domain"
        + "5500730065007200" // "User"
        + "43004f004d0050005500540045005200" // "COMPUTER"
        + "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa" // LMv2 response
        + "68cd0ab851e51c96aabc927bebef6a1c" // NTProofStr
        + "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000" // temp: versions, Z(6), Time 0, ClientChallenge, Z(4)
        + "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000" // ServerName, Z(4)
        + "c5dad2544fc9799094ce1ce90bc9d03e"; // EncryptedRandomSessionKey

    private static readonly byte[] s_exportedSessionKey = Enumerable.Repeat((byte)0x55, 16).ToArray();
    private static readonly byte[] s_clientChallenge = Enumerable.Repeat((byte)0xaa, 8).ToArray();

    [Fact]
    public void NtHashOfPassword()
    {
        // 4.2.2.1.2 NTOWFv1("Password").
        byte[] hash = new byte[16];
        NtlmCrypto.NtHash("Password", hash);
        Assert.Equal("a4f49c406510bdcab6824ee7c30fd852", Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void NtowfV2()
    {
        // 4.2.4.1.1 NTOWFv2("Password", "User", "Domain").
        byte[] ntHash = new byte[16];
        NtlmCrypto.NtHash("Password", ntHash);
        byte[] key = new byte[16];
        NtlmCrypto.NtowfV2(ntHash, "User", "Domain", key);
        Assert.Equal("0c868a403bfd7a93a3001ef22ef02e3f", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void TheChallengeDecodes()
    {
        Assert.True(NtlmChallengeMessage.TryDecode(s_challenge, out NtlmChallengeMessage? challenge, out var error), error.ToString());
        Assert.Equal(0xe28a8233u, (uint)challenge.Flags);
        Assert.Equal("0123456789abcdef", Convert.ToHexStringLower(challenge.ServerChallenge.Span));
        Assert.Equal("Server", challenge.TargetNameText);
        Assert.Equal("Domain", challenge.TargetInfo.FindName(NtlmAvId.NbDomainName));
        Assert.Equal("Server", challenge.TargetInfo.FindName(NtlmAvId.NbComputerName));
        Assert.Null(challenge.TargetInfo.Timestamp);
        Assert.Equal(new NtlmVersion(6, 0, 6000), challenge.Version);
        // And it encodes back byte for byte.
        Assert.Equal(Convert.ToHexStringLower(s_challenge), Convert.ToHexStringLower(challenge.ToArray()));
    }

    [Fact]
    public void OurClientWritesTheSpecsAuthenticateMessage()
    {
        // 4.2.4.1.2-4.2.4.2.3: LMv2 86c350…, NTProofStr 68cd0a…, session base key 8de40c… (checked through the
        // encrypted session key c5dad2…, which is RC4(SessionBaseKey, 0x55×16)), all in the 4.2.4.3 message.
        byte[] ntHash = new byte[16];
        NtlmCrypto.NtHash("Password", ntHash);
        var client = new NtlmClient(
            new NtlmClientOptions
            {
                UserName = "User",
                Domain = "Domain",
                Workstation = "COMPUTER",
                Flags = (NtlmNegotiateFlags)0xe2888235,
                Version = new NtlmVersion(5, 1, 2600),
            },
            ntHash,
            new SequenceRandomSource(s_clientChallenge, s_exportedSessionKey),
            new ManualTimeProvider(DateTimeOffset.FromFileTime(0)));
        client.CreateNegotiate();

        Assert.True(client.TryAuthenticate(s_challenge, out byte[]? authenticate, out NtlmSessionSecurity? security, out string? problem, out _), problem);

        Assert.Equal(AuthenticateHex, Convert.ToHexStringLower(authenticate));
        Assert.False(client.MicSent); // no MsvAvTimestamp in the challenge: no MIC, and the LMv2 response is sent
        Assert.Equal((NtlmNegotiateFlags)0xe2888235, client.NegotiatedFlags);

        // 4.2.4.4 GSS_WrapEx of "Plaintext" (UTF-16), sequence 0: the sealed data, then the signature.
        byte[] wrapped = security.Seal(Encoding.Unicode.GetBytes("Plaintext"));
        Assert.Equal("010000007fb38ec5c55d497600000000", Convert.ToHexStringLower(wrapped.AsSpan(0, 16)));
        Assert.Equal("54e50165bf1936dc996020c1811b0f06fb5f", Convert.ToHexStringLower(wrapped.AsSpan(16)));
    }

    [Fact]
    public void TheSpecsAuthenticateMessageDecodes()
    {
        Assert.True(NtlmAuthenticateMessage.TryDecode(Convert.FromHexString(AuthenticateHex), out NtlmAuthenticateMessage? message, out var error), error.ToString());
        Assert.Equal(0xe2888235u, (uint)message.Flags);
        Assert.Equal("Domain", Encoding.Unicode.GetString(message.DomainName.Span));
        Assert.Equal("User", Encoding.Unicode.GetString(message.UserName.Span));
        Assert.Equal("COMPUTER", Encoding.Unicode.GetString(message.Workstation.Span));
        Assert.Equal("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa", Convert.ToHexStringLower(message.LmChallengeResponse.Span));
        Assert.Equal("68cd0ab851e51c96aabc927bebef6a1c", Convert.ToHexStringLower(message.NtChallengeResponse.Span[..16]));
        Assert.Equal("c5dad2544fc9799094ce1ce90bc9d03e", Convert.ToHexStringLower(message.EncryptedRandomSessionKey.Span));
        Assert.Equal(new NtlmVersion(5, 1, 2600), message.Version);
        Assert.Null(message.Mic); // the payload starts at 0x48: version, no MIC
    }

    [Fact]
    public void SigningAndSealingKeys()
    {
        // 4.2.4.4: SEALKEY and SIGNKEY of the client-to-server direction from the random session key.
        var flags = (NtlmNegotiateFlags)0xe2888235;
        Assert.Equal("59f600973cc4960a25480a7c196e4c58", Convert.ToHexStringLower(NtlmCrypto.SealKey(s_exportedSessionKey, flags, clientToServer: true)));
        Assert.Equal("4788dc861b4782f35d43fd98fe1a2d39", Convert.ToHexStringLower(NtlmCrypto.SignKey(s_exportedSessionKey, clientToServer: true)));
    }

    [Fact]
    public void TheServerUnsealsWhatTheClientSealed()
    {
        var flags = (NtlmNegotiateFlags)0xe2888235;
        var client = new NtlmSessionSecurity(s_exportedSessionKey, flags, isClient: true);
        var server = new NtlmSessionSecurity(s_exportedSessionKey, flags, isClient: false);
        for (int i = 0; i < 3; i++)
        {
            byte[] message = Encoding.UTF8.GetBytes($"message {i}");
            Assert.True(server.TryUnseal(client.Seal(message), out byte[] plain));
            Assert.Equal(message, plain);
            Assert.True(client.TryUnseal(server.Seal(message), out plain));
            Assert.Equal(message, plain);
        }

        // A flipped bit, or the same message twice (sequence numbers), never unseals.
        byte[] sealedMessage = client.Seal([1, 2, 3]);
        sealedMessage[^1] ^= 1;
        Assert.False(server.TryUnseal(sealedMessage, out _));
    }
}
