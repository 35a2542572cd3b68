using System.Buffers;
using TsThinLic.Fuzzing;
using TsThinLic.Fuzzing.Targets;
using TsThinLic.Rdp.Nla;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Fuzzing;

/// <summary>
/// The NLA fuzz target's seeds reach deep into <see cref="CredSspClient"/>: a seed the client refuses at the first
/// message would leave the fuzzer mutating a CHALLENGE it never gets past.
/// </summary>
public sealed class NlaTargetSeedTests
{
    [Theory]
    [InlineData("raw-v2", NlaTokenFormat.RawNtlm, 2)]
    [InlineData("raw-v6", NlaTokenFormat.RawNtlm, 6)]
    [InlineData("spnego-v3", NlaTokenFormat.Spnego, 3)]
    [InlineData("spnego-v6", NlaTokenFormat.Spnego, 6)]
    public void TheChallengeSeedsGetTheClientToSendItsAuthenticateAndStopAtTheServersProof(string name, NlaTokenFormat format, int version)
    {
        FuzzSeed seed = new NlaTarget().Seeds(SeedSources.Locate(AppContext.BaseDirectory)).Single(s => s.Name == name);
        ReadOnlyMemory<byte> stream = seed.Bytes.AsMemory(1);
        using var credentials = new NlaCredentials("alice", "TESTDOM", "S3cret!");
        var client = new CredSspClient(credentials, FuzzRandomSource.Pattern(270), new CredSspClientOptions { TokenFormat = format, Version = version }, new FuzzRandomSource(), new ManualTimeProvider());
        var output = new ArrayBufferWriter<byte>();
        client.Start(output);

        Assert.Equal(TsThinLic.Pdu.DecodeStatus.Complete, TsRequest.TryReadFrame(stream.Span, out int challengeLength, out _));
        output.ResetWrittenCount();
        CredSspStepResult afterChallenge = client.Step(stream[..challengeLength], output);
        Assert.True(afterChallenge.Status == CredSspStatus.AwaitingMessage, afterChallenge.Failure?.ToString());
        Assert.True(TsRequest.TryDecode(output.WrittenMemory, out TsRequest? authenticate, out _));
        Assert.NotNull(authenticate.PubKeyAuth); // the AUTHENTICATE went out with the client's binding

        output.ResetWrittenCount();
        CredSspStepResult afterProof = client.Step(stream[challengeLength..], output);
        Assert.Equal(CredSspStatus.Failed, afterProof.Status); // a pubKeyAuth the seed could not seal
        Assert.Equal(NlaFailureReason.PublicKeyMismatch, afterProof.Failure!.Reason);
        Assert.False(client.CredentialsSent);
    }
}
