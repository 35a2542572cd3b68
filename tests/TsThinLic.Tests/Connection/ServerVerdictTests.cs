using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The server's verdict after licensing ([MS-RDPBCGR 1.3.1.1]): the Demand Active PDU, a Set Error Info PDU (every
/// licensing ERRINFO code reported by name, meaning, server events and fix), a Disconnect Provider Ultimatum, a closed
/// connection, or silence; and the channel joins skipped when the server supports it.
/// </summary>
public sealed class ServerVerdictTests
{
    private static readonly ClientIdentity s_identity = new(new ClientHardwareId(0x04010000, new byte[16]), "user", "thinclient");

    public static TheoryData<uint> LicensingErrorInfoCodes() => new(Enumerable.Range(0x100, 11).Select(c => (uint)c));

    /// <summary>Plays a sequence against the fake server until it completes, fails, or waits with nothing to read.</summary>
    private static (ConnectionStepResult Step, RdpConnectionSequence Sequence) Run(FakeRdpServer server, RdpConnectionOptions? options = null)
    {
        var sequence = new RdpConnectionSequence(options ?? new RdpConnectionOptions { RequestedProtocols = NegotiationProtocols.Rdp, UserName = "user" }, s_identity, new MemoryLicenseStore().Load(), new SequenceRandomSource(0x10));
        var output = new ArrayBufferWriter<byte>();
        ConnectionStepResult step = sequence.Start(output);
        var toClient = new Queue<byte[]>();
        while (true)
        {
            ReadOnlySpan<byte> written = output.WrittenSpan;
            while (!written.IsEmpty)
            {
                int length = (written[2] << 8) | written[3];
                foreach (byte[] reply in server.Handle(written[..length]))
                {
                    toClient.Enqueue(reply);
                }

                written = written[length..];
            }

            output.ResetWrittenCount();
            if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed || toClient.Count == 0)
            {
                return (step, sequence);
            }

            step = sequence.Step(toClient.Dequeue(), output);
        }
    }

    [Fact]
    public void DemandActiveIsTheAcceptance()
    {
        (ConnectionStepResult step, RdpConnectionSequence sequence) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient));
        Assert.Equal(ConnectionStatus.Completed, step.Status);
        Assert.Equal(ServerVerdictKind.DemandActive, step.Verdict!.Kind);
        Assert.True(step.Verdict.Accepted);
        Assert.Equal(LicensingOutcome.ValidClient, step.Licensing!.Outcome);
        Assert.Same(step.Verdict, sequence.Verdict);
    }

    [Theory]
    [MemberData(nameof(LicensingErrorInfoCodes))]
    public void EveryLicensingErrorInfoIsNamedWithItsMeaningAndFix(uint code)
    {
        (ConnectionStepResult step, _) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.SetErrorInfo, ErrorInfo = code });

        Assert.Equal(ConnectionStatus.Completed, step.Status);
        ServerVerdict verdict = step.Verdict!;
        Assert.Equal(ServerVerdictKind.SetErrorInfo, verdict.Kind);
        Assert.False(verdict.Accepted);
        Assert.Equal(code, verdict.ErrorInfo);
        ErrorInfoDescription description = verdict.ErrorInfoDescription!;
        Assert.StartsWith("ERRINFO_LICENSE_", description.Name, StringComparison.Ordinal);
        Assert.True(description.IsLicensing);
        Assert.False(string.IsNullOrWhiteSpace(description.Meaning));
        Assert.False(string.IsNullOrWhiteSpace(description.Fix));
    }

    [Fact]
    public void TheLicensingCodesCarryTheSpecsNames()
    {
        string[] names =
        [
            "ERRINFO_LICENSE_INTERNAL", "ERRINFO_LICENSE_NO_LICENSE_SERVER", "ERRINFO_LICENSE_NO_LICENSE", "ERRINFO_LICENSE_BAD_CLIENT_MSG",
            "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE", "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL",
            "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE",
            "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS",
        ];
        Assert.Equal(names, Enumerable.Range(0x100, 11).Select(c => ErrorInfoCatalog.Describe((uint)c).Name));
        Assert.Contains("wipe", ErrorInfoCatalog.Describe(0x104).Fix, StringComparison.Ordinal); // another HWID's CAL: wipe the store
        Assert.Contains(1003, ErrorInfoCatalog.Describe(0x104).ServerEvents);
    }

    [Fact]
    public void TheCatalogHasEveryListedCodeOnceAndUnknownCodesByValue()
    {
        Assert.Equal(ErrorInfoCatalog.Codes.Count, ErrorInfoCatalog.Codes.Select(c => ErrorInfoCatalog.Describe(c).Name).Distinct().Count());
        Assert.All(ErrorInfoCatalog.Codes, c => Assert.StartsWith("ERRINFO_", ErrorInfoCatalog.Describe(c).Name, StringComparison.Ordinal));
        Assert.True(ErrorInfoCatalog.Codes.Count > 100);
        Assert.Equal("ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES", ErrorInfoCatalog.Describe(0x0009).Name);
        Assert.Equal("ERRINFO_DECRYPTFAILED", ErrorInfoCatalog.Describe(0x1192).Name);
        Assert.Equal("0x00000008", ErrorInfoCatalog.Describe(0x0008).Name);
        Assert.False(ErrorInfoCatalog.Describe(0x0008).IsKnown);
    }

    [Fact]
    public void ADisconnectWithoutErrorInfoIsReportedWithItsReason()
    {
        (ConnectionStepResult step, _) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.Disconnect });
        Assert.Equal(ServerVerdictKind.Disconnect, step.Verdict!.Kind);
        Assert.Equal((byte)1, step.Verdict.DisconnectReason);
        Assert.Null(step.Verdict.ErrorInfo);
    }

    [Fact]
    public void SilenceEndsInATimeoutVerdictAndAClosedConnectionInADisconnect()
    {
        (ConnectionStepResult step, RdpConnectionSequence sequence) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.Silent });
        Assert.Equal(ConnectionStatus.AwaitingPdu, step.Status);
        Assert.True(sequence.AwaitingVerdict);
        Assert.Equal(ConnectionPhase.CapabilitiesExchange, sequence.Phase);
        ConnectionStepResult timedOut = sequence.VerdictTimedOut();
        Assert.Equal(ConnectionStatus.Completed, timedOut.Status);
        Assert.Equal(ServerVerdictKind.Timeout, timedOut.Verdict!.Kind);
        Assert.Equal(LicensingOutcome.ValidClient, timedOut.Licensing!.Outcome);

        (_, sequence) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.Silent });
        ConnectionStepResult closed = sequence.ConnectionClosed();
        Assert.Equal(ServerVerdictKind.Disconnect, closed.Verdict!.Kind);
        Assert.Contains("closed", closed.Verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ASetErrorInfoDuringLicensingNamesTheDisconnect()
    {
        (ConnectionStepResult step, RdpConnectionSequence sequence) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient) { ErrorInfoAfterClientInfo = 0x10A });
        Assert.Equal(ConnectionStatus.Failed, step.Status);
        Assert.Equal(ConnectionFailureReason.ServerDisconnected, step.Failure!.Reason);
        Assert.Equal(0x10Au, step.Failure.ErrorInfo);
        Assert.Contains("ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS", step.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0x10Au, sequence.ErrorInfo);
    }

    [Fact]
    public void ChannelJoinsAreSkippedWhenTheServerSupportsIt()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient) { SkipChannelJoin = true };
        (ConnectionStepResult step, RdpConnectionSequence sequence) = Run(server);
        Assert.Equal(ServerVerdictKind.DemandActive, step.Verdict!.Kind);
        Assert.True(sequence.ChannelJoinsSkipped);
        Assert.DoesNotContain("ChannelJoinRequest", server.ClientPdus);
        Assert.Equal(["X224ConnectionRequest", "McsConnectInitial", "ErectDomainRequest", "AttachUserRequest", "ClientInfo", "Licensing", "DisconnectProviderUltimatum"], server.ClientPdus);
    }

    [Fact]
    public void ChannelJoinsStayWhenTheServerDoesNotSupportItOrTheClientIsToldNotTo()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient);
        (_, RdpConnectionSequence sequence) = Run(server);
        Assert.False(sequence.ChannelJoinsSkipped);
        Assert.Equal(2, server.ClientPdus.Count(p => p == "ChannelJoinRequest"));

        var skipping = new FakeRdpServer(EmulatedServerScript.ValidClient) { SkipChannelJoin = true };
        (_, sequence) = Run(skipping, new RdpConnectionOptions { RequestedProtocols = NegotiationProtocols.Rdp, SkipChannelJoin = false });
        Assert.False(sequence.ChannelJoinsSkipped);
        Assert.Equal(2, skipping.ClientPdus.Count(p => p == "ChannelJoinRequest"));
    }

    [Fact]
    public void TheClientAnnouncesErrorInfoAndSkipChannelJoinSupport()
    {
        // [MS-RDPBCGR 2.2.1.3.2] earlyCapabilityFlags: RNS_UD_CS_SUPPORT_ERRINFO_PDU | RNS_UD_CS_SUPPORT_SKIP_CHANNELJOIN.
        (_, RdpConnectionSequence sequence) = Run(new FakeRdpServer(EmulatedServerScript.ValidClient));
        byte[] connectInitial = sequence.Transcript.First(p => p.FromClient && p.Packet.Length > 100).Packet;
        int core = connectInitial.AsSpan().IndexOf((byte[])[0x01, 0xC0, 0xD8, 0x00]); // CS_CORE header: type, length 216
        Assert.True(core > 0);
        ushort early = BitConverter.ToUInt16(connectInitial, core + 4 /* header */ + 4 + 2 + 2 + 2 + 2 + 4 + 4 + 32 + 4 + 4 + 4 + 64 + 2 + 2 + 4 + 2 + 2);
        Assert.Equal(0x0801, early);
    }

    [Theory]
    [MemberData(nameof(LicensingErrorInfoCodes))]
    public async Task TheProbeReportsEachLicensingErrorInfoByNameAndExitsOne(uint code)
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.SetErrorInfo, ErrorInfo = code };
        (int port, Task served, TcpListener listener) = FakeRdpTcpServer.Serve(server);
        using (listener)
        {
            (int exit, string output, string error) = await Host.HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--security", "rdp", "--json", "--timeout", "10");
            await served.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.True(exit == 1, error + output);
            using var json = JsonDocument.Parse(output);
            JsonElement verdict = json.RootElement.GetProperty("serverVerdict");
            ErrorInfoDescription description = ErrorInfoCatalog.Describe(code);
            Assert.Equal("set-error-info", verdict.GetProperty("pdu").GetString());
            Assert.Equal($"0x{code:x8}", verdict.GetProperty("errorInfo").GetString());
            Assert.Equal(description.Name, verdict.GetProperty("errorInfoName").GetString());
            Assert.Equal(description.Meaning, verdict.GetProperty("errorInfoMeaning").GetString());
            Assert.Equal(description.Fix, verdict.GetProperty("fix").GetString());
            Assert.Equal("valid-client", json.RootElement.GetProperty("outcome").GetString());
            Assert.Contains(description.Name, json.RootElement.GetProperty("meaning").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheProbeExitsZeroOnlyOnDemandActive()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient);
        (int port, Task served, TcpListener listener) = FakeRdpTcpServer.Serve(server);
        using (listener)
        {
            (int exit, string output, string error) = await Host.HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--security", "rdp", "--json");
            await served.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(exit == 0, error + output);
            using var json = JsonDocument.Parse(output);
            Assert.Equal("demand-active", json.RootElement.GetProperty("serverVerdict").GetProperty("pdu").GetString());
        }
    }

    [Fact]
    public async Task SilenceAfterLicensingTimesOutWithinTheVerdictTimeout()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient) { AfterLicensing = FakeVerdict.Silent };
        (int port, Task served, TcpListener listener) = FakeRdpTcpServer.Serve(server);
        using (listener)
        {
            var probe = new RdpProbe(new MemoryLicenseStore(), new SequenceRandomSource(3), TimeProvider.System, new RdpProbeOptions { Security = ProbeSecurity.Rdp, VerdictTimeout = TimeSpan.FromMilliseconds(300) });
            ProbeResult result = await probe.RunAsync("127.0.0.1", port);
            Assert.True(result.Succeeded, result.Failure?.ToString());
            Assert.Equal(ServerVerdictKind.Timeout, result.Verdict!.Kind);
            Assert.False(result.Accepted);
            Assert.Contains(result.Phases, p => p.Phase == ConnectionPhase.CapabilitiesExchange && p.Duration >= TimeSpan.FromMilliseconds(250));
            Assert.Equal(1, TsThinLic.Host.ProbeCommand.ExitCode(result));
            await served.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }
}
