using System.Buffers;
using TsThinLic.Rdp.Nla;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary><see cref="CredSspClient"/> against <see cref="FakeCredSspServer"/>: every version, both token formats, and each way a server goes wrong.</summary>
public sealed class CredSspClientTests
{
    private static byte[] PublicKey() => TestServerCertificate.PublicKey();

    private static (CredSspStepResult Last, CredSspClient Client, FakeCredSspServer Server, string? ServerProblem) Run(FakeCredSspServer server, string password = "S3cret!", NlaTokenFormat format = NlaTokenFormat.RawNtlm, string account = @"TESTDOM\alice")
    {
        (string user, string domain) = NlaCredentials.ParseAccount(account);
        using var credentials = new NlaCredentials(user, domain, password);
        var client = new CredSspClient(credentials, PublicKey(), new CredSspClientOptions { TokenFormat = format, TargetName = "TERMSRV/rds01", Workstation = "THIN" }, new SequenceRandomSource(0x31), new ManualTimeProvider());
        var output = new ArrayBufferWriter<byte>();
        CredSspStepResult step = client.Start(output);
        string? problem = null;
        while (step.Status == CredSspStatus.AwaitingMessage)
        {
            byte[]? answer = server.Handle(output.WrittenSpan.ToArray(), out problem);
            output.ResetWrittenCount();
            if (answer is null)
            {
                break;
            }

            step = client.Step(answer, output);
        }

        if (output.WrittenCount > 0)
        {
            server.Handle(output.WrittenSpan.ToArray(), out problem);
        }

        return (step, client, server, problem);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(5)]
    [InlineData(4)]
    [InlineData(3)]
    [InlineData(2)]
    public void EveryVersionDeliversTheCredentialsAfterTheServerProvesTheKey(int version)
    {
        var server = new FakeCredSspServer(PublicKey()) { Version = version };
        (CredSspStepResult last, CredSspClient client, _, string? problem) = Run(server);

        Assert.True(last.Status == CredSspStatus.Completed, last.Failure?.ToString() ?? problem);
        Assert.Equal(version, client.ServerVersion);
        Assert.True(client.ServerVerified);
        Assert.True(client.CredentialsSent);
        Assert.Equal(("TESTDOM", "alice", "S3cret!"), server.Credentials);
        Assert.True(TsRequest.TryDecode(server.ClientMessages[1], out TsRequest? third, out _));
        Assert.Equal(version >= 5, third!.ClientNonce is not null); // the nonce only from version 5 on
        Assert.Equal(6, third.Version); // the client announces its own
    }

    [Fact]
    public void SpnegoWrappedNtlmWithMechListMic()
    {
        var server = new FakeCredSspServer(PublicKey()) { Spnego = true };
        (CredSspStepResult last, CredSspClient client, _, string? problem) = Run(server, format: NlaTokenFormat.Spnego);

        Assert.True(last.Status == CredSspStatus.Completed, last.Failure?.ToString() ?? problem);
        Assert.Equal(NlaTokenFormat.Spnego, client.TokenFormat);
        Assert.Equal(("TESTDOM", "alice", "S3cret!"), server.Credentials);
        // The first token is an InitialContextToken ([APPLICATION 0]) naming SPNEGO.
        Assert.True(TsRequest.TryDecode(server.ClientMessages[0], out TsRequest? first, out _));
        Assert.Equal(0x60, first!.NegoTokens[0].Span[0]);
    }

    [Fact]
    public void TheNtlmResponseEchoesTimestampFlagsSpnAndEmptyBindings()
    {
        var server = new FakeCredSspServer(PublicKey());
        Run(server);

        var echoed = server.Acceptor.EchoedTargetInfo!;
        Assert.Equal(server.Acceptor.Timestamp, echoed.Timestamp);
        Assert.Equal([2, 0, 0, 0], echoed.Find(TsThinLic.Rdp.Ntlm.NtlmAvId.Flags)!.Value.ToArray());
        Assert.Equal("TERMSRV/rds01", echoed.FindName(TsThinLic.Rdp.Ntlm.NtlmAvId.TargetName));
        Assert.Equal(new byte[16], echoed.Find(TsThinLic.Rdp.Ntlm.NtlmAvId.ChannelBindings)!.Value.ToArray());
        Assert.Equal("RDS01", echoed.FindName(TsThinLic.Rdp.Ntlm.NtlmAvId.NbComputerName)); // the server's pairs, in order
        Assert.Equal(new byte[24], server.Acceptor.Authenticate!.LmChallengeResponse.ToArray()); // Z(24) with MsvAvTimestamp
    }

    [Fact]
    public void AUpnAccountGoesWholeWithAnEmptyDomain()
    {
        var server = new FakeCredSspServer(PublicKey(), user: "alice@test.example", domain: string.Empty);
        (CredSspStepResult last, _, _, string? problem) = Run(server, account: "alice@test.example");
        Assert.True(last.Status == CredSspStatus.Completed, last.Failure?.ToString() ?? problem);
        Assert.Equal((string.Empty, "alice@test.example", "S3cret!"), server.Credentials);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(3)]
    public void AnInterceptorsKeyIsRefusedAndNoCredentialLeaves(int version)
    {
        // A TLS proxy answers with the key of its own certificate: the client must stop before authInfo.
        byte[] other = PublicKey();
        other[^5] ^= 0x40;
        var server = new FakeCredSspServer(PublicKey()) { Version = version, PubKeyAuthKey = other };
        (CredSspStepResult last, CredSspClient client, _, _) = Run(server);

        Assert.Equal(CredSspStatus.Failed, last.Status);
        Assert.Equal(NlaFailureReason.PublicKeyMismatch, last.Failure!.Reason);
        Assert.False(client.CredentialsSent);
        Assert.Null(server.Credentials);
        // On the bytes: no TSRequest the client wrote carries authInfo.
        Assert.All(server.ClientMessages, m => Assert.True(TsRequest.TryDecode(m, out TsRequest? r, out _) && r!.AuthInfo is null));
    }

    [Fact]
    public void AWrongPasswordEndsWithTheServerClosing()
    {
        var server = new FakeCredSspServer(PublicKey());
        (CredSspStepResult last, CredSspClient client, _, string? problem) = Run(server, password: "wrong");

        Assert.Contains("NTProofStr", problem, StringComparison.Ordinal); // the server refused the logon
        Assert.Equal(CredSspStatus.AwaitingMessage, last.Status);
        NlaFailure closed = client.ConnectionClosed();
        Assert.Equal(NlaFailureReason.LogonFailure, closed.Reason);
        Assert.False(closed.CredentialsSent);
        Assert.Null(server.Credentials);
    }

    [Theory]
    [InlineData(1, unchecked((int)0xC000006D), NlaFailureReason.LogonFailure, "STATUS_LOGON_FAILURE")]
    [InlineData(1, unchecked((int)0xC0000072), NlaFailureReason.AccountRestriction, "STATUS_ACCOUNT_DISABLED")]
    [InlineData(1, unchecked((int)0xC0000224), NlaFailureReason.AccountRestriction, "STATUS_PASSWORD_MUST_CHANGE")]
    [InlineData(0, unchecked((int)0xC00000BB), NlaFailureReason.Refused, "STATUS_NOT_SUPPORTED")]
    [InlineData(1, unchecked((int)0x8009030C), NlaFailureReason.LogonFailure, "SEC_E_LOGON_DENIED")]
    [InlineData(1, unchecked((int)0xC007052E), NlaFailureReason.LogonFailure, "NTSTATUS_FROM_WIN32(ERROR_LOGON_FAILURE)")]
    public void TheServersErrorCodeIsNamed(int step, int code, NlaFailureReason reason, string name)
    {
        var server = new FakeCredSspServer(PublicKey()) { ErrorCode = (step, code) };
        (CredSspStepResult last, _, _, _) = Run(server);

        Assert.Equal(CredSspStatus.Failed, last.Status);
        Assert.Equal(reason, last.Failure!.Reason);
        Assert.Equal(name, last.Failure.ErrorCodeName);
        Assert.Equal(code, last.Failure.ErrorCode);
        Assert.Contains(name, last.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionOneIsRefused()
    {
        var server = new FakeCredSspServer(PublicKey()) { Version = 1 };
        (CredSspStepResult last, _, _, _) = Run(server);
        Assert.Equal(NlaFailureReason.Refused, last.Failure!.Reason);
        Assert.Contains("version 1", last.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawNtlmToASpnegoServerIsRefusedBeforeTheChallengeIsAnswered()
    {
        // The server answers a NegTokenResp (it wants SPNEGO): the client stops, and the probe may retry with SPNEGO.
        var server = new FakeCredSspServer(PublicKey()) { Spnego = true };
        var credentials = new NlaCredentials("alice", "TESTDOM", "S3cret!");
        var client = new CredSspClient(credentials, PublicKey(), new CredSspClientOptions(), new SequenceRandomSource(1), new ManualTimeProvider());
        var output = new ArrayBufferWriter<byte>();
        client.Start(output);
        byte[] negotiate = output.WrittenSpan.ToArray();
        output.ResetWrittenCount();

        // What the SPNEGO server makes of a raw NEGOTIATE: it wraps its challenge in a NegTokenResp anyway.
        byte[] answer = new TsRequest(6, [Spnego.EncodeResp(SpnegoNegState.AcceptIncomplete, true, server.Acceptor.CreateChallenge(TsRequestTests.FirstToken(negotiate)), [])]).ToArray();
        CredSspStepResult step = client.Step(answer, output);

        Assert.Equal(NlaFailureReason.Refused, step.Failure!.Reason);
        Assert.Equal(0, output.WrittenCount);
        Assert.Null(client.Ntlm.NegotiatedFlags);
    }

    [Fact]
    public void TheCredentialsAreZeroedOnDispose()
    {
        var credentials = new NlaCredentials("alice", "TESTDOM", "S3cret!");
        credentials.Dispose();
        Assert.True(credentials.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => credentials.Password.ToString());
    }

    [Theory]
    [InlineData(@"TESTDOM\alice", "alice", "TESTDOM")]
    [InlineData("alice@test.example", "alice@test.example", "")]
    [InlineData("alice", "alice", "")]
    [InlineData(@"\alice", @"\alice", "")]
    public void AccountsParse(string account, string user, string domain)
        => Assert.Equal((user, domain), NlaCredentials.ParseAccount(account));
}
