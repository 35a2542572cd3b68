using System.Buffers;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>
/// The client's state-transition table ([MS-RDPELE 3.3]), state by state, against the emulated license server: no
/// mocks for protocol behaviour. The server checks the client's keys, MACs and echoed challenge on every PDU, so a
/// passing exchange is also a cryptographically correct one.
/// </summary>
public sealed class LicensingClientTests
{
    internal static readonly ClientHardwareId s_hardwareId = new(0x04010000, Convert.FromHexString("f159873ec9d898af2402f8f3293af026"));
    internal static readonly ClientIdentity s_identity = new(s_hardwareId, "Administrator", "RODENT");
    internal static readonly LicenseKey s_emulatorKey = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");
    private static readonly DateTimeOffset s_storedAt = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    internal static LicenseStoreSnapshot StoreWith(params LicenseKey[] keys)
        => new(s_hardwareId, keys.Select((k, i) => new StoredLicense(k, new byte[] { 0x30, (byte)i, 0x01, 0x02 }, s_storedAt)).ToArray());

    internal static (LicensingClient Client, EmulatedLicenseServer Server) Pair(
        EmulatedServerScript? script,
        LicenseStoreSnapshot? stored = null,
        EmulatedLicenseServerOptions? serverOptions = null,
        Func<EmulatedLicenseServer, LicensingClientOptions>? clientOptions = null)
    {
        // A fixed clock by default, so the CALs the server mints (and so whole exchanges) are the same on every run.
        serverOptions ??= new EmulatedLicenseServerOptions { Time = new ManualTimeProvider() };
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 100), script, serverOptions);
        var client = new LicensingClient(s_identity, stored ?? LicenseStoreSnapshot.Empty, new SequenceRandomSource(seed: 1), clientOptions?.Invoke(server));
        return (client, server);
    }

    public sealed class AwaitingLicenseRequest
    {
        [Fact]
        public void SendsNewLicenseRequestWhenStoreIsEmpty()
        {
            var (client, server) = Pair(EmulatedServerScript.NewLicense);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(
                [LicensingMessageType.LicenseRequest, LicensingMessageType.NewLicenseRequest, LicensingMessageType.PlatformChallenge, LicensingMessageType.PlatformChallengeResponse, LicensingMessageType.NewLicense],
                exchange.Sequence());
            Assert.Empty(server.Violations);
            Assert.Equal(("Administrator", "RODENT"), server.ClientNames);
            Assert.Equal(s_hardwareId, server.ClientHardwareId);
            Assert.Equal(LicensingStatus.Completed, exchange.Last!.Status);
            Assert.Equal(LicensingOutcome.LicenseIssued, exchange.Last.Outcome);
        }

        [Fact]
        public void SendsLicenseInfoWithTheMatchingStoredLicense()
        {
            LicenseStoreSnapshot stored = StoreWith(s_emulatorKey with { Scope = "WORKGROUP" }, s_emulatorKey);
            var (client, server) = Pair(EmulatedServerScript.ValidClient, stored);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingMessageType.LicenseInfo, exchange.Pdus[1].Type);
            Assert.Empty(server.Violations);
            Assert.Equal(stored.Find(s_emulatorKey)!.LicenseInfo.ToArray(), server.PresentedLicense!.Value.ToArray());
            Assert.Equal(s_hardwareId, server.ClientHardwareId);
            Assert.Equal(s_emulatorKey, client.PresentedLicense);
            Assert.Equal(LicensingOutcome.ValidClient, exchange.Last!.Outcome);
        }

        [Theory]
        [InlineData(0x00070000u, "microsoft.com", "Microsoft Corporation", "A02")] // offer newer than the CAL
        [InlineData(0x00060000u, "WORKGROUP", "Microsoft Corporation", "A02")]
        [InlineData(0x00060000u, "microsoft.com", "Contoso", "A02")]
        [InlineData(0x00060000u, "microsoft.com", "Microsoft Corporation", "236")]
        public void SendsNewLicenseRequestWhenNoStoredLicenseMatches(uint version, string scope, string company, string product)
        {
            var options = new EmulatedLicenseServerOptions { ProductVersion = version, Scopes = [scope], CompanyName = company, ProductId = product };
            var (client, server) = Pair(EmulatedServerScript.NewLicense, StoreWith(s_emulatorKey), options);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingMessageType.NewLicenseRequest, exchange.Pdus[1].Type);
            Assert.Empty(server.Violations);
            Assert.Null(client.PresentedLicense);
        }

        [Fact]
        public void PresentsALaterLicenseForAnOlderOffer()
        {
            var options = new EmulatedLicenseServerOptions { ProductVersion = 0x00050000 };
            var (client, server) = Pair(EmulatedServerScript.ValidClient, StoreWith(s_emulatorKey), options);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingMessageType.LicenseInfo, exchange.Pdus[1].Type);
            Assert.Equal(s_emulatorKey, client.PresentedLicense);
        }

        [Fact]
        public void FallsBackToTheGccCertificateWhenTheRequestCarriesNone()
        {
            var options = new EmulatedLicenseServerOptions { IncludeCertificate = false };
            var (client, server) = Pair(EmulatedServerScript.NewLicense, serverOptions: options, clientOptions: s => new LicensingClientOptions { GccServerCertificate = s.Certificate });

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Empty(server.Violations);
            Assert.Equal(LicensingOutcome.LicenseIssued, exchange.Last!.Outcome);
            Assert.Equal(ServerCertificateType.Proprietary, client.CertificateVerification!.Type);
        }

        [Fact]
        public void WithNoCertificateAnywhereItSendsInvalidServerCertificateAndAborts()
        {
            var options = new EmulatedLicenseServerOptions { IncludeCertificate = false };
            var (client, server) = Pair(EmulatedServerScript.NewLicense, serverOptions: options);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            AssertAbortedWithAlert(exchange, server, LicensingFailureReason.InvalidServerCertificate, LicensingErrorCode.InvalidServerCertificate);
        }

        [Fact]
        public void ATamperedProprietaryCertificateIsRefusedWithAnAlert()
        {
            var options = new EmulatedLicenseServerOptions { IncludeCertificate = false };
            var (client, server) = Pair(EmulatedServerScript.NewLicense, serverOptions: options, clientOptions: s => new LicensingClientOptions { GccServerCertificate = Tampered((ProprietaryServerCertificate)s.Certificate) });

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            AssertAbortedWithAlert(exchange, server, LicensingFailureReason.InvalidServerCertificate, LicensingErrorCode.InvalidServerCertificate);
            Assert.Equal(TsThinLic.Crypto.CertificateCheck.SignatureInvalid, client.CertificateVerification!.Check);
        }

        [Fact]
        public void ValidClientBeforeAnyRequestCompletes()
        {
            var (client, server) = Pair(EmulatedServerScript.Of([EmulatedServerAction.ValidClient]));

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingOutcome.ValidClient, exchange.Last!.Outcome);
            Assert.Single(exchange.Pdus);
        }

        [Theory]
        [InlineData("challenge")]
        [InlineData("license")]
        public void AnythingButARequestFailsWithoutAnAlert(string first)
        {
            // A server that skips LICENSE_REQUEST has no keys with the client; [MS-RDPELE 3.3.5.8] says disconnect.
            var (client, _) = Pair(EmulatedServerScript.NewLicense);
            byte[] pdu = first == "challenge"
                ? Convert.FromHexString("80000000020326000000000000000a00463785548ec59134975d3823625d108b93c3f1e4671f4ab6000a")
                : Convert.FromHexString("80000000" + "03031c00" + "0900" + "0400" + "01020304" + "00112233445566778899aabbccddeeff");

            var output = new ArrayBufferWriter<byte>();
            LicensingStepResult step = client.Step(pdu, output);

            Assert.Equal(LicensingStatus.Failed, step.Status);
            Assert.Equal(LicensingFailureReason.UnexpectedPdu, step.Failure!.Reason);
            Assert.Equal(0, output.WrittenCount);
        }

        [Fact]
        public void AMalformedPduFailsNamingTheField()
        {
            var (client, _) = Pair(EmulatedServerScript.NewLicense);

            // ERROR_ALERT whose bbErrorInfo declares 0x0400 bytes that are not there.
            LicensingStepResult step = client.Step(Convert.FromHexString("ff03100007000000020000000400ff00"), new ArrayBufferWriter<byte>());

            Assert.Equal(LicensingFailureReason.MalformedPdu, step.Failure!.Reason);
            Assert.NotNull(step.Failure.DecodeError);
            Assert.False(string.IsNullOrEmpty(step.Failure.DecodeError!.Value.Field));
        }
    }

    public sealed class AwaitingPlatformChallenge
    {
        [Fact]
        public void AChallengeWithABadMacGetsInvalidMacAndAborts()
        {
            var script = EmulatedServerScript.Of(
                [EmulatedServerAction.LicenseRequest],
                [new EmulatedServerAction.SendPlatformChallenge(CorruptMac: true)],
                [EmulatedServerAction.NewLicense]);
            var (client, server) = Pair(script);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            AssertAbortedWithAlert(exchange, server, LicensingFailureReason.InvalidMac, LicensingErrorCode.InvalidMac);
        }

        [Fact]
        public void ALicenseBeforeTheChallengeIsOutOfSequence()
        {
            var script = EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [EmulatedServerAction.NewLicense]);
            var (client, server) = Pair(script);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingFailureReason.UnexpectedPdu, exchange.Last!.Failure!.Reason);
            Assert.Null(server.ClientAlert);
        }

        [Fact]
        public void ASecondLicenseRequestIsOutOfSequence()
        {
            var script = EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [EmulatedServerAction.LicenseRequest]);
            var (client, server) = Pair(script);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingFailureReason.UnexpectedPdu, exchange.Last!.Failure!.Reason);
        }
    }

    public sealed class AwaitingLicense
    {
        [Fact]
        public void ANewLicenseCompletesWithTheLicenseToPersist()
        {
            var (client, server) = Pair(EmulatedServerScript.NewLicense);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            LicensingStepResult last = exchange.Last!;
            Assert.Equal(LicensingOutcome.LicenseIssued, last.Outcome);
            Assert.Equal(0x00060000u, last.License!.Version);
            Assert.Equal("microsoft.com", last.License.Scope);
            Assert.Equal("Microsoft Corporation", last.License.CompanyName);
            Assert.Equal("A02", last.License.ProductId);
            Assert.Null(last.Supersedes);
            // The emulator minted the CAL for this client: a temporary A02-6.00-S bound to its HWID.
            Assert.True(TsThinLic.Cal.ClientAccessLicense.TryDecode(last.License.LicenseInfo.Span, out var cal, out _));
            Assert.Equal("A02-6.00-S", cal!.LicenseId);
            Assert.True(cal.IsTemporary);
            Assert.Equal(s_hardwareId, cal.HardwareId);
            Assert.Equal("RODENT", cal.IssuedToMachine);
            Assert.Equal("Administrator", cal.IssuedToUser);
        }

        [Fact]
        public void AnUpgradeOfThePresentedLicenseCompletesAsUpgraded()
        {
            var (client, server) = Pair(EmulatedServerScript.Upgrade, StoreWith(s_emulatorKey));

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(
                [LicensingMessageType.LicenseRequest, LicensingMessageType.LicenseInfo, LicensingMessageType.PlatformChallenge, LicensingMessageType.PlatformChallengeResponse, LicensingMessageType.UpgradeLicense],
                exchange.Sequence());
            Assert.Empty(server.Violations);
            Assert.Equal(LicensingOutcome.LicenseUpgraded, exchange.Last!.Outcome);
            Assert.Null(exchange.Last.Supersedes); // same key: the store replaces it in place
        }

        [Fact]
        public void AnUpgradeToANewVersionSupersedesThePresentedLicense()
        {
            LicenseKey older = s_emulatorKey with { Version = 0x00060000 };
            var options = new EmulatedLicenseServerOptions { ProductVersion = 0x00060000 };
            var (client, server) = Pair(EmulatedServerScript.Upgrade, StoreWith(older with { Version = 0x00060001 }), options);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingOutcome.LicenseUpgraded, exchange.Last!.Outcome);
            Assert.Equal(older with { Version = 0x00060001 }, exchange.Last.Supersedes);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ALicenseWithABadMacGetsInvalidMacAndAborts(bool upgrade)
        {
            var script = EmulatedServerScript.Of(
                [EmulatedServerAction.LicenseRequest],
                [EmulatedServerAction.PlatformChallenge],
                [new EmulatedServerAction.SendNewLicense(upgrade, CorruptMac: true)]);
            var (client, server) = Pair(script);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            AssertAbortedWithAlert(exchange, server, LicensingFailureReason.InvalidMac, LicensingErrorCode.InvalidMac);
            Assert.Null(exchange.Last!.License);
        }

        [Fact]
        public void ALicenseWhoseNewLicenseInfoIsMalformedFails()
        {
            var options = new EmulatedLicenseServerOptions { LicenseFactory = _ => ReadOnlyMemory<byte>.Empty };
            var (client, server) = Pair(EmulatedServerScript.NewLicense, serverOptions: options);

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            // An empty pbLicenseInfo decodes, but is no license: the client refuses it rather than store nothing.
            Assert.Equal(LicensingStatus.Failed, exchange.Last!.Status);
            Assert.Equal(LicensingFailureReason.MalformedLicense, exchange.Last.Failure!.Reason);
        }
    }

    /// <summary>Every error code × state transition × step, as [MS-RDPELE 3.1.5] and the client's policy say.</summary>
    public sealed class ErrorAlerts
    {
        public static TheoryData<int, LicensingErrorCode, LicensingStateTransition> Cases()
        {
            var data = new TheoryData<int, LicensingErrorCode, LicensingStateTransition>();
            foreach (LicensingErrorCode code in Enum.GetValues<LicensingErrorCode>())
            {
                foreach (LicensingStateTransition transition in Enum.GetValues<LicensingStateTransition>())
                {
                    for (int step = 0; step <= 2; step++)
                    {
                        data.Add(step, code, transition);
                    }
                }
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void EachCodeAndTransitionDoesWhatTheSpecSays(int step, LicensingErrorCode code, LicensingStateTransition transition)
        {
            var (client, server) = Pair(EmulatedServerScript.ErrorAt(step, code, transition));

            SansIoExchange exchange = SansIoExchange.Run(client, server);
            LicensingStepResult last = exchange.Last!;

            Assert.Empty(server.Violations);
            if (code == LicensingErrorCode.ValidClient && transition == LicensingStateTransition.NoTransition)
            {
                Assert.Equal(LicensingOutcome.ValidClient, last.Outcome);
                return;
            }

            switch (transition)
            {
                case LicensingStateTransition.TotalAbort:
                    Assert.Equal(LicensingStatus.Failed, last.Status);
                    Assert.Equal(LicensingFailureReason.ServerAborted, last.Failure!.Reason);
                    Assert.Equal(code, last.Failure.ServerErrorCode);
                    Assert.Equal(transition, last.Failure.ServerStateTransition);
                    Assert.Null(server.ClientAlert);
                    break;

                case LicensingStateTransition.ResendLastMessage when step == 0:
                    // Nothing was sent yet, so there is nothing to resend.
                    Assert.Equal(LicensingFailureReason.UnexpectedPdu, last.Failure!.Reason);
                    break;

                case LicensingStateTransition.ResendLastMessage:
                {
                    Assert.Equal(LicensingOutcome.LicenseIssued, last.Outcome);
                    // The resent message is byte-identical to the first.
                    var sent = exchange.Pdus.Where(p => p.Direction == "client").ToList();
                    Assert.Equal(3, sent.Count);
                    Assert.Equal(sent[step - 1].Bytes, sent[step].Bytes);
                    break;
                }

                case LicensingStateTransition.ResetPhaseToStart:
                {
                    Assert.Equal(LicensingOutcome.LicenseIssued, last.Outcome);
                    Assert.Equal(step == 0 ? 1 : 2, exchange.Pdus.Count(p => p.Type == LicensingMessageType.LicenseRequest));
                    // After a restart the client starts afresh: new client random and premaster secret.
                    var requests = exchange.Pdus.Where(p => p.Type == LicensingMessageType.NewLicenseRequest).ToList();
                    if (requests.Count == 2)
                    {
                        Assert.NotEqual(requests[0].Bytes, requests[1].Bytes);
                    }

                    break;
                }

                case LicensingStateTransition.NoTransition:
                    // No state change: the exchange goes on to its normal end.
                    Assert.Equal(LicensingOutcome.LicenseIssued, last.Outcome);
                    break;
            }
        }

        [Fact]
        public void ResendsAreBounded()
        {
            var alert = EmulatedServerAction.ErrorAlert(LicensingErrorCode.InvalidClient, LicensingStateTransition.ResendLastMessage);
            var steps = new List<IReadOnlyList<EmulatedServerAction>> { new[] { EmulatedServerAction.LicenseRequest } };
            steps.AddRange(Enumerable.Repeat<IReadOnlyList<EmulatedServerAction>>([alert], LicensingClient.MaxResends + 1));
            var (client, server) = Pair(new EmulatedServerScript(steps));

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingFailureReason.TooManyRetries, exchange.Last!.Failure!.Reason);
            Assert.Equal(1 + LicensingClient.MaxResends, exchange.Pdus.Count(p => p.Type == LicensingMessageType.NewLicenseRequest));
        }

        [Fact]
        public void RestartsAreBounded()
        {
            var reset = EmulatedServerAction.ErrorAlert(LicensingErrorCode.InvalidClient, LicensingStateTransition.ResetPhaseToStart);
            var steps = new List<IReadOnlyList<EmulatedServerAction>> { new[] { EmulatedServerAction.LicenseRequest } };
            steps.AddRange(Enumerable.Repeat<IReadOnlyList<EmulatedServerAction>>([reset, EmulatedServerAction.LicenseRequest], LicensingClient.MaxRestarts + 1));
            var (client, server) = Pair(new EmulatedServerScript(steps));

            SansIoExchange exchange = SansIoExchange.Run(client, server);

            Assert.Equal(LicensingFailureReason.TooManyRetries, exchange.Last!.Failure!.Reason);
        }
    }

    public sealed class Determinism
    {
        [Fact]
        public void TheSameRandomsGiveTheSameBytes()
        {
            SansIoExchange first = SansIoExchange.Run(Pair(EmulatedServerScript.NewLicense).Client, Pair(EmulatedServerScript.NewLicense).Server);
            SansIoExchange second = SansIoExchange.Run(Pair(EmulatedServerScript.NewLicense).Client, Pair(EmulatedServerScript.NewLicense).Server);

            Assert.Equal(first.Pdus.Select(p => Convert.ToHexString(p.Bytes)), second.Pdus.Select(p => Convert.ToHexString(p.Bytes)));
        }

        [Fact]
        public void AFinishedClientRefusesMorePdus()
        {
            var (client, server) = Pair(EmulatedServerScript.ValidClient, StoreWith(s_emulatorKey));
            SansIoExchange.Run(client, server);

            LicensingStepResult step = client.Step(Convert.FromHexString("ff031000070000000200000004000000"), new ArrayBufferWriter<byte>());

            Assert.Equal(LicensingFailureReason.ExchangeOver, step.Failure!.Reason);
        }
    }

    private static void AssertAbortedWithAlert(SansIoExchange exchange, EmulatedLicenseServer server, LicensingFailureReason reason, LicensingErrorCode alert)
    {
        LicensingStepResult last = exchange.Last!;
        Assert.Equal(LicensingStatus.Failed, last.Status);
        Assert.Equal(reason, last.Failure!.Reason);
        Assert.Equal(alert, last.Failure.AlertSent);
        Assert.Equal(LicensingMessageType.ErrorAlert, last.Sent);
        Assert.Equal((alert, LicensingStateTransition.TotalAbort), server.ClientAlert);
    }

    private static ProprietaryServerCertificate Tampered(ProprietaryServerCertificate certificate)
    {
        byte[] bytes = new byte[certificate.GetEncodedLength()];
        certificate.TryEncode(bytes, out _);
        bytes[30] ^= 0x01; // a bit of the modulus
        Assert.True(ServerCertificate.TryDecode(bytes, out ServerCertificate? tampered, out _));
        return (ProprietaryServerCertificate)tampered!;
    }
}
