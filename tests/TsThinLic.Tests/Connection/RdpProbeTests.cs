using System.Net;
using System.Net.Sockets;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary><see cref="RdpProbe"/> over real loopback sockets against <see cref="FakeRdpServer"/>: fallback, persistence, timings.</summary>
public sealed class RdpProbeTests
{
    private static (int Port, Task Served, TcpListener Listener) Serve(params FakeRdpServer[] servers) => FakeRdpTcpServer.Serve(servers);

    [Fact]
    public async Task AutoFallsBackToStandardSecurityAndPersistsTheIssuedCal()
    {
        var refusing = new FakeRdpServer { NegotiationFailure = NegotiationFailureCode.SslNotAllowedByServer };
        var issuing = new FakeRdpServer(EmulatedServerScript.NewLicense);
        (int port, Task served, TcpListener listener) = Serve(refusing, issuing);
        using (listener)
        {
            var store = new MemoryLicenseStore();
            var probe = new RdpProbe(store, new SequenceRandomSource(0x21), TimeProvider.System, new RdpProbeOptions { Security = ProbeSecurity.Auto, Timeout = TimeSpan.FromSeconds(10) });
            ProbeResult result = await probe.RunAsync("127.0.0.1", port);
            await served.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.True(result.Succeeded, result.Failure?.ToString());
            Assert.True(result.FellBackToStandardSecurity);
            Assert.Equal(NegotiationProtocols.Rdp, result.RequestedProtocols);
            Assert.Equal(LicensingOutcome.LicenseIssued, result.Outcome);
            Assert.NotNull(result.StoredLicense);

            // The store holds the new HWID and the CAL, in one update.
            LicenseStoreSnapshot snapshot = store.Load();
            Assert.Equal(result.HardwareId, snapshot.HardwareId);
            Assert.Single(snapshot.Licenses);
            Assert.Empty(issuing.License.Violations);
            Assert.Contains(result.Phases, p => p.Phase == ConnectionPhase.Licensing);
        }
    }

    [Fact]
    public async Task TlsOnlyDoesNotFallBack()
    {
        (int port, Task served, TcpListener listener) = Serve(new FakeRdpServer { NegotiationFailure = NegotiationFailureCode.SslNotAllowedByServer });
        using (listener)
        {
            var store = new MemoryLicenseStore();
            var probe = new RdpProbe(store, new SequenceRandomSource(0x21), TimeProvider.System, new RdpProbeOptions { Security = ProbeSecurity.Tls, Timeout = TimeSpan.FromSeconds(10) });
            ProbeResult result = await probe.RunAsync("127.0.0.1", port);
            Assert.Equal(ConnectionFailureReason.NegotiationFailed, result.Failure!.Reason);
            Assert.Equal(NegotiationFailureCode.SslNotAllowedByServer, result.Failure.NegotiationFailure);
            Assert.False(result.FellBackToStandardSecurity);
            Assert.Null(store.Load().HardwareId); // a failed probe writes nothing
        }
    }
}
