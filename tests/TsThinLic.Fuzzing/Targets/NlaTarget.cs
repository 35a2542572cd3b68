using System.Buffers;
using System.Text;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Ntlm;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// [MS-CSSP] / [MS-NLMP] / [MS-SPNG] NLA from the server's side: <see cref="CredSspClient"/> fed the server's TSRequests
/// (raw NTLM and SPNEGO-wrapped, every TSRequest version), and each decoder of what a server sends there on its own —
/// TSRequest framing and decoding, CHALLENGE_MESSAGE, TargetInfo AV_PAIRs, NegTokenResp, TSCredentials, the Early User
/// Authorization Result — re-encoded where they encode.
/// </summary>
/// <remarks>
/// <para>Input: one configuration byte (bit 0: SPNEGO instead of raw NTLM; bits 1–3: the TSRequest version the client
/// announces, 2 + value mod 5), then the server's byte stream, cut into TSRequests by <see cref="TsRequest.TryReadFrame"/>.</para>
/// <para>Invariants: nothing throws; a step allocates at most four times the message plus 256 KiB (DER, NTLM
/// messages, the AUTHENTICATE and its sealing); a failed step says why; credentials are never sent before the server
/// proved the key (<see cref="CredSspClient.CredentialsSent"/> implies <see cref="CredSspClient.ServerVerified"/>);
/// TSRequest, CHALLENGE_MESSAGE and TargetInfo decode→encode→decode→encode give the same bytes.</para>
/// </remarks>
public sealed class NlaTarget : FuzzTarget
{
    private const int MaxSteps = 8;
    private const int FixedAllowance = 256 * 1024;

    // A SubjectPublicKey of RSA-2048 shape (the BIT STRING contents the bindings are computed over); any bytes do.
    private static readonly byte[] s_publicKey = FuzzRandomSource.Pattern(270);
    private static readonly TimeProvider s_time = new FixedTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    public override string Name => "nla";

    public override string Covers => "CredSspClient.Step over server TSRequests (raw NTLM and SPNEGO, versions 2-6), TsRequest.TryReadFrame/TryDecode, NtlmChallengeMessage, NtlmTargetInfo, Spnego.TryDecodeResp, TsCredentials.TryDecodePassword, EarlyUserAuthorizationResult; decoder round trips";

    public override int MaxInputLength => TsRequest.MaxLength + 1;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        // What servers answer to the NEGOTIATE (a CHALLENGE with the AV pairs Windows sends), then to the AUTHENTICATE
        // (a pubKeyAuth, which the fuzzer cannot forge: its path ends at the MAC check) and the ways they refuse.
        var targetInfo = new NtlmTargetInfo(
        [
            new(NtlmAvId.NbDomainName, Encoding.Unicode.GetBytes("TESTDOM")),
            new(NtlmAvId.NbComputerName, Encoding.Unicode.GetBytes("RDS01")),
            new(NtlmAvId.DnsDomainName, Encoding.Unicode.GetBytes("testdom.example")),
            new(NtlmAvId.DnsComputerName, Encoding.Unicode.GetBytes("rds01.testdom.example")),
            new(NtlmAvId.Timestamp, BitConverter.GetBytes(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero).UtcDateTime.ToFileTimeUtc())),
        ]);
        const NtlmNegotiateFlags flags = NtlmNegotiateFlags.Unicode | NtlmNegotiateFlags.Sign | NtlmNegotiateFlags.Seal
            | NtlmNegotiateFlags.AlwaysSign | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.TargetInfo
            | NtlmNegotiateFlags.Version | NtlmNegotiateFlags.Negotiate128 | NtlmNegotiateFlags.KeyExchange;
        byte[] challenge = new NtlmChallengeMessage(flags, FuzzRandomSource.Pattern(NtlmChallengeMessage.ServerChallengeLength), Encoding.Unicode.GetBytes("TESTDOM"), targetInfo, NtlmVersion.Default).ToArray();
        byte[] spnegoChallenge = Spnego.EncodeResp(SpnegoNegState.AcceptIncomplete, supportedMechNtlm: true, challenge, []);
        byte[] logonFailure = new TsRequest(6, errorCode: unchecked((int)0xC000006D)).ToArray();

        for (int version = 2; version <= 6; version++)
        {
            byte[] pubKeyAuth = new TsRequest(version, pubKeyAuth: FuzzRandomSource.Pattern(16 + 32)).ToArray();
            byte config = (byte)((version - 2) << 1);
            yield return new FuzzSeed($"raw-v{version}", [config, .. new TsRequest(version, [challenge]).ToArray(), .. pubKeyAuth]);
            yield return new FuzzSeed($"spnego-v{version}", [(byte)(config | 1), .. new TsRequest(version, [spnegoChallenge]).ToArray(), .. pubKeyAuth]);
        }

        yield return new FuzzSeed("logon-failure", [8, .. logonFailure]);
        yield return new FuzzSeed("error-after-challenge", [8, .. new TsRequest(6, [challenge]).ToArray(), .. logonFailure]);
        yield return new FuzzSeed("ts-credentials", [8, .. TsCredentials.EncodePassword("TESTDOM", "alice", "S3cret!")]);
        yield return new FuzzSeed("early-user-authorization", [8, 0x05, 0x00, 0x00, 0x00]);
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        bool spnego = (input[0] & 1) != 0;
        int version = 2 + (((input[0] >> 1) & 7) % 5);
        byte[] stream = input[1..].ToArray();
        Decoders(stream);

        using var credentials = new NlaCredentials("alice", "TESTDOM", "S3cret!");
        var client = new CredSspClient(
            credentials,
            s_publicKey,
            new CredSspClientOptions { TokenFormat = spnego ? NlaTokenFormat.Spnego : NlaTokenFormat.RawNtlm, Version = version, TargetName = "TERMSRV/rds01", Workstation = "THIN" },
            new FuzzRandomSource(),
            s_time);
        var output = new ArrayBufferWriter<byte>();
        CredSspStepResult step = client.Start(output);
        ReadOnlyMemory<byte> rest = stream;
        for (int steps = 0; steps < MaxSteps && step.Status == CredSspStatus.AwaitingMessage; steps++)
        {
            DecodeStatus framed = TsRequest.TryReadFrame(rest.Span, out int length, out DecodeError error);
            if (framed != DecodeStatus.Complete)
            {
                Check(framed == DecodeStatus.NeedMoreData || !string.IsNullOrEmpty(error.Field), $"a TSRequest framing failure that names no field: {error}");
                break;
            }

            Check(length > 0 && length <= rest.Length, $"a TSRequest framed as {length} of {rest.Length} bytes");
            ReadOnlyMemory<byte> message = rest[..length];
            rest = rest[length..];

            output.ResetWrittenCount();
            long mark = AllocationMark();
            step = client.Step(message, output);
            CheckAllocated(mark, (4L * length) + FixedAllowance, "CredSspClient.Step", length);
            Check(step.BytesWritten == output.WrittenCount, $"the step reports {step.BytesWritten} bytes written, the buffer holds {output.WrittenCount}");
            Check(step.Status != CredSspStatus.Failed || step.Failure is not null, "a failed step that does not say why");
            Check(!client.CredentialsSent || client.ServerVerified, "credentials sent to a server that did not prove the certificate's key");
        }
    }

    /// <summary>The stream through each decoder a server's bytes reach, and back through its encoder where there is one.</summary>
    private void Decoders(byte[] data)
    {
        int length = data.Length;
        long mark = AllocationMark();
        if (TsRequest.TryDecode(data, out TsRequest? request, out DecodeError error))
        {
            byte[] encoded = request.ToArray();
            Check(TsRequest.TryDecode(encoded, out TsRequest? again, out DecodeError againError), $"TSRequest decode→encode→decode failed: {againError}");
            CheckSameBytes(encoded, again!.ToArray(), "TSRequest decode→encode→decode→encode");
        }
        else
        {
            CheckDecodeError(error, length);
        }

        if (NtlmChallengeMessage.TryDecode(data, out NtlmChallengeMessage? challenge, out error))
        {
            byte[] encoded = challenge.ToArray();
            Check(NtlmChallengeMessage.TryDecode(encoded, out NtlmChallengeMessage? again, out DecodeError againError), $"CHALLENGE_MESSAGE decode→encode→decode failed: {againError}");
            CheckSameBytes(encoded, again!.ToArray(), "CHALLENGE_MESSAGE decode→encode→decode→encode");
            _ = challenge.TargetNameText;
        }
        else
        {
            CheckDecodeError(error, length);
        }

        if (NtlmTargetInfo.TryDecode(data, 0, out NtlmTargetInfo? targetInfo, out error))
        {
            byte[] encoded = targetInfo.ToArray();
            Check(NtlmTargetInfo.TryDecode(encoded, 0, out NtlmTargetInfo? again, out DecodeError againError), $"TargetInfo decode→encode→decode failed: {againError}");
            CheckSameBytes(encoded, again!.ToArray(), "TargetInfo decode→encode→decode→encode");
            _ = targetInfo.Timestamp;
            _ = targetInfo.FindName(NtlmAvId.NbComputerName);
        }
        else
        {
            CheckDecodeError(error, length);
        }

        if (!Spnego.TryDecodeResp(data, out _, out error))
        {
            CheckDecodeError(error, length);
        }

        if (!TsCredentials.TryDecodePassword(data, out _, out _, out _, out error))
        {
            CheckDecodeError(error, length);
        }

        if (length >= EarlyUserAuthorizationResult.Length)
        {
            _ = EarlyUserAuthorizationResult.Name(EarlyUserAuthorizationResult.Read(data));
        }

        CheckAllocated(mark, (16L * length) + FixedAllowance, "the NLA decoders", length);
    }

    /// <summary>A clock that always says the same time, so the NTLMv2 timestamp (when the server sends none) replays.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
