using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Text;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Ntlm;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// .NET's managed NTLM and SPNEGO (System.Net.Security's NegotiateAuthentication with System.Net.Security.UseManagedNtlm,
/// which the test project sets through _UseManagedNtlm) as an implementation no one here wrote. It is client-only, so the
/// check runs both ways around a server side built from our primitives: .NET's NEGOTIATE/AUTHENTICATE are decoded by our
/// codecs and verified by our key derivations (NTOWFv2, NTProofStr, session key, MIC), .NET unseals what we seal and we
/// unseal what it seals; then our client's messages are accepted by that same server side and compared field by field
/// with .NET's. For SPNEGO, .NET's NegTokenInit is byte for byte ours, and each side verifies the other's mechListMIC.
/// </summary>
public sealed class ManagedNtlmCrossCheckTests
{
    private const string User = "alice";
    private const string Domain = "TESTDOM";
    private const string Password = "S3cret!";

    private static NegotiateAuthentication DotNetClient(string package)
        => new(new NegotiateAuthenticationClientOptions
        {
            Package = package,
            Credential = new NetworkCredential(User, Password, Domain),
            TargetName = "TERMSRV/rds01",
            RequiredProtectionLevel = ProtectionLevel.EncryptAndSign,
        });

    [Fact]
    public void DotNetsMessagesPassOurServerSideAndSealingInteroperates()
    {
        using NegotiateAuthentication dotnet = DotNetClient("NTLM");
        byte[] negotiate = dotnet.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out NegotiateAuthenticationStatusCode status)!;
        Assert.Equal(NegotiateAuthenticationStatusCode.ContinueNeeded, status);
        Assert.True(NtlmNegotiateMessage.TryDecode(negotiate, out NtlmNegotiateMessage? decodedNegotiate, out var error), error.ToString());
        Assert.True((decodedNegotiate!.Flags & (NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.KeyExchange | NtlmNegotiateFlags.Negotiate128)) != 0);

        var acceptor = new NtlmTestAcceptor(User, Domain, Password);
        byte[] challenge = acceptor.CreateChallenge(negotiate);
        byte[] authenticate = dotnet.GetOutgoingBlob(challenge, out status)!;
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, status);

        // .NET's AUTHENTICATE_MESSAGE through our decoder and our key derivations: NTProofStr, MIC, session key.
        Assert.True(acceptor.TryAccept(authenticate, out NtlmSessionSecurity? server, out string problem), problem);
        Assert.Equal(acceptor.Timestamp, acceptor.EchoedTargetInfo!.Timestamp);

        // Sealing both ways: .NET wraps, we unseal; we seal, .NET unwraps.
        byte[] plaintext = Encoding.UTF8.GetBytes("the public key, sealed by .NET");
        var wrapped = new ArrayBufferWriter<byte>();
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, dotnet.Wrap(plaintext, wrapped, requestEncryption: true, out bool encrypted));
        Assert.True(encrypted);
        Assert.True(server!.TryUnseal(wrapped.WrittenSpan, out byte[] unsealed));
        Assert.Equal(plaintext, unsealed);

        byte[] reply = Encoding.UTF8.GetBytes("the echo, sealed by us");
        var unwrapped = new ArrayBufferWriter<byte>();
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, dotnet.Unwrap(server.Seal(reply), unwrapped, out _));
        Assert.Equal(reply, unwrapped.WrittenSpan.ToArray());

        // A second message each way: the RC4 handles and sequence numbers go on alike.
        wrapped.ResetWrittenCount();
        dotnet.Wrap(plaintext, wrapped, true, out _);
        Assert.True(server.TryUnseal(wrapped.WrittenSpan, out unsealed));
        Assert.Equal(plaintext, unsealed);
    }

    [Fact]
    public void OurMessagesPassTheServerSideThatPassesDotNetsAndMatchThemFieldByField()
    {
        // .NET's exchange first: it validates the server side.
        using NegotiateAuthentication dotnet = DotNetClient("NTLM");
        var dotnetAcceptor = new NtlmTestAcceptor(User, Domain, Password);
        byte[] dotnetNegotiate = dotnet.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out _)!;
        byte[] dotnetAuthenticate = dotnet.GetOutgoingBlob(dotnetAcceptor.CreateChallenge(dotnetNegotiate), out _)!;
        Assert.True(dotnetAcceptor.TryAccept(dotnetAuthenticate, out _, out string problem), problem);

        // Ours, against the same server side.
        byte[] ntHash = new byte[16];
        NtlmCrypto.NtHash(Password, ntHash);
        var client = new NtlmClient(new NtlmClientOptions { UserName = User, Domain = Domain, Workstation = "THIN", TargetName = "TERMSRV/rds01", EmptyChannelBindings = true }, ntHash, new SequenceRandomSource(0x44), new ManualTimeProvider());
        var ourAcceptor = new NtlmTestAcceptor(User, Domain, Password);
        byte[] ourNegotiate = client.CreateNegotiate();
        Assert.True(client.TryAuthenticate(ourAcceptor.CreateChallenge(ourNegotiate), out byte[]? ourAuthenticate, out NtlmSessionSecurity? ours, out string? clientProblem, out _), clientProblem);
        Assert.True(ourAcceptor.TryAccept(ourAuthenticate, out NtlmSessionSecurity? server, out problem), problem);
        byte[] message = [1, 2, 3, 4];
        Assert.True(server!.TryUnseal(ours!.Seal(message), out byte[] plain));
        Assert.Equal(message, plain);

        // Field by field: both NEGOTIATE messages ask for the same session security; both AUTHENTICATE messages carry a
        // MIC, Z(24) as LMv2 (MsvAvTimestamp given), a 16-byte encrypted session key, and echo the same AV pairs.
        Assert.True(NtlmNegotiateMessage.TryDecode(dotnetNegotiate, out NtlmNegotiateMessage? theirNegotiate, out _));
        Assert.True(NtlmNegotiateMessage.TryDecode(ourNegotiate, out NtlmNegotiateMessage? myNegotiate, out _));
        const NtlmNegotiateFlags Security = NtlmNegotiateFlags.Unicode | NtlmNegotiateFlags.Sign | NtlmNegotiateFlags.Seal | NtlmNegotiateFlags.Ntlm
            | NtlmNegotiateFlags.AlwaysSign | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.Version | NtlmNegotiateFlags.Negotiate128 | NtlmNegotiateFlags.KeyExchange;
        Assert.Equal(theirNegotiate!.Flags & Security, myNegotiate!.Flags & Security);

        NtlmAuthenticateMessage theirs = dotnetAcceptor.Authenticate!;
        NtlmAuthenticateMessage mine = ourAcceptor.Authenticate!;
        Assert.NotNull(theirs.Mic);
        Assert.NotNull(mine.Mic);
        Assert.Equal(theirs.LmChallengeResponse.ToArray(), mine.LmChallengeResponse.ToArray());
        Assert.Equal(theirs.EncryptedRandomSessionKey.Length, mine.EncryptedRandomSessionKey.Length);
        Assert.Equal(theirs.Flags & Security, mine.Flags & Security);
        Assert.Equal(theirs.NtChallengeResponse.Length, mine.NtChallengeResponse.Length);
        Assert.Equal(
            dotnetAcceptor.EchoedTargetInfo!.Pairs.Select(p => p.Id).Order(),
            ourAcceptor.EchoedTargetInfo!.Pairs.Select(p => p.Id).Order());
        foreach (NtlmAvId id in new[] { NtlmAvId.Flags, NtlmAvId.TargetName, NtlmAvId.ChannelBindings, NtlmAvId.Timestamp, NtlmAvId.NbComputerName })
        {
            Assert.Equal(dotnetAcceptor.EchoedTargetInfo.Find(id)!.Value.ToArray(), ourAcceptor.EchoedTargetInfo.Find(id)!.Value.ToArray());
        }
    }

    [Fact]
    public void SpnegoTokensAndMechListMicsInteroperate()
    {
        using NegotiateAuthentication dotnet = DotNetClient("Negotiate");
        byte[] init = dotnet.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out NegotiateAuthenticationStatusCode status)!;
        Assert.Equal(NegotiateAuthenticationStatusCode.ContinueNeeded, status);

        // .NET's NegTokenInit (NTLM only, no Kerberos here) is exactly what our encoder makes of its NTLM message.
        byte[] negotiate = SpnegoTestKit.MechTokenOfInit(init);
        Assert.Equal(Convert.ToHexStringLower(init), Convert.ToHexStringLower(Spnego.EncodeInit(negotiate)));

        // Our NegTokenResp carrying the challenge is accepted; .NET's answer decodes with our decoder.
        var acceptor = new NtlmTestAcceptor(User, Domain, Password);
        byte[] challengeToken = Spnego.EncodeResp(SpnegoNegState.AcceptIncomplete, supportedMechNtlm: true, acceptor.CreateChallenge(negotiate), []);
        byte[] answer = dotnet.GetOutgoingBlob(challengeToken, out status)!;
        Assert.True(Spnego.TryDecodeResp(answer, out SpnegoNegTokenResp? response, out var error), error.ToString());
        Assert.True(acceptor.TryAccept(response!.ResponseToken!.Value, out NtlmSessionSecurity? server, out string problem), problem);

        // .NET's mechListMIC verifies with ours; ours (the server's) is accepted by .NET, which then completes.
        Assert.True(server!.VerifyMechListMic(Spnego.NtlmMechTypeList, response.MechListMic!.Value.Span));
        byte[] final = Spnego.EncodeResp(SpnegoNegState.AcceptCompleted, supportedMechNtlm: false, [], server.GetMechListMic(Spnego.NtlmMechTypeList));
        Assert.Null(dotnet.GetOutgoingBlob(final, out status));
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, status);
        Assert.True(dotnet.IsAuthenticated);

        // After the MIC exchange both start sealing from restored RC4 states; .NET numbers its first message 1 (its
        // mechListMIC took 0), so our side is told so.
        server.SetSequenceNumbers(send: 1, receive: 1);
        var wrapped = new ArrayBufferWriter<byte>();
        dotnet.Wrap([9, 8, 7], wrapped, true, out _);
        Assert.True(server.TryUnseal(wrapped.WrittenSpan, out byte[] plain));
        Assert.Equal([9, 8, 7], plain);
    }
}
