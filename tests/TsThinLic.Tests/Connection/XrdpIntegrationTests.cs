using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Records;
using TsThinLic.Storage;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The probe against xrdp 0.9.21 (a server no one here wrote) in every security mode: xrdp answers every client
/// licensing PDU with STATUS_VALID_CLIENT, after NEW_LICENSE_REQUEST and after LICENSE_INFO alike.
/// </summary>
public sealed class XrdpIntegrationTests
{
    public static TheoryData<string> Modes() => new(XrdpServers.Modes);

    private static async Task<ProbeResult?> ProbeAsync(string mode, ILicenseStore store)
    {
        if (XrdpServers.Port(mode) is not { } port)
        {
            return null;
        }

        var options = new RdpProbeOptions
        {
            Security = mode == "tls" ? ProbeSecurity.Tls : ProbeSecurity.Rdp,
            UserName = "probe",
            MachineName = "ci-thinclient",
            Timeout = TimeSpan.FromSeconds(10),
        };
        return await new RdpProbe(store, SystemRandomSource.Instance, TimeProvider.System, options).RunAsync("127.0.0.1", port);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task NewLicenseRequestGetsValidClient(string mode)
    {
        var store = new MemoryLicenseStore();
        ProbeResult? result = await ProbeAsync(mode, store);
        if (result is null)
        {
            return; // TSTHINLIC_INTEGRATION=off
        }

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(LicensingOutcome.ValidClient, result.Outcome);
        Assert.Null(result.PresentedLicense);
        Assert.Equal(
            [LicensingMessageType.LicenseRequest, LicensingMessageType.NewLicenseRequest, LicensingMessageType.ErrorAlert],
            result.LicensingPdus.Select(p => p.MessageType!.Value));

        // The licensing certificate: xrdp's proprietary one (512-bit key), signed with the TS signing key.
        Assert.Equal(ServerCertificateType.Proprietary, result.LicensingCertificate!.Type);
        Assert.Equal(CertificateCheck.Valid, result.LicensingCertificate.Check);
        Assert.Equal("236", result.LicenseRequest!.ProductInfo.ProductId);

        Assert.Equal(0x00080004u, result.ServerData!.Core.Version);
        AssertPhases(result, mode == "tls");
        Assert.NotNull(store.Load().HardwareId); // the new HWID is kept (memory store)

        switch (mode)
        {
            case "tls":
                Assert.Equal(NegotiationProtocols.Ssl, result.SelectedProtocol);
                Assert.NotEmpty(result.TlsCertificates);
                break;
            case "rdp-none":
                Assert.Equal(EncryptionMethods.None, result.ServerData.Security.EncryptionMethod);
                break;
            case "rdp-fips":
                Assert.Equal(EncryptionMethods.Fips, result.ServerData.Security.EncryptionMethod);
                Assert.Equal(CertificateCheck.Valid, result.GccCertificate!.Check);
                break;
            default:
                Assert.NotEqual(EncryptionMethods.None, result.ServerData.Security.EncryptionMethod);
                Assert.Equal(CertificateCheck.Valid, result.GccCertificate!.Check);
                Assert.Equal(32, result.ClientRandom.Length);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task LicenseInfoWithAStoredCalGetsValidClient(string mode)
    {
        var store = new MemoryLicenseStore();
        var hwid = new ClientHardwareId(0x04010000, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        // A CAL for what xrdp offers (Microsoft Corporation, product "236", version 4.0, scope microsoft.com).
        var key = new LicenseKey(0x00040000, "microsoft.com", "Microsoft Corporation", "236");
        store.Save(new LicenseStoreUpdate(hwid, new StoredLicense(key, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }, DateTimeOffset.UnixEpoch), null));

        ProbeResult? result = await ProbeAsync(mode, store);
        if (result is null)
        {
            return;
        }

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(LicensingOutcome.ValidClient, result.Outcome);
        Assert.Equal(key, result.PresentedLicense);
        Assert.Equal(
            [LicensingMessageType.LicenseRequest, LicensingMessageType.LicenseInfo, LicensingMessageType.ErrorAlert],
            result.LicensingPdus.Select(p => p.MessageType!.Value));
        Assert.Equal(CertificateCheck.Valid, result.LicensingCertificate!.Check);
        AssertPhases(result, mode == "tls");
    }

    private static void AssertPhases(ProbeResult result, bool tls)
    {
        ConnectionPhase[] expected = tls
            ? [ConnectionPhase.TcpConnect, ConnectionPhase.ConnectionInitiation, ConnectionPhase.TlsHandshake, ConnectionPhase.BasicSettingsExchange, ConnectionPhase.ChannelConnection, ConnectionPhase.Licensing, ConnectionPhase.CapabilitiesExchange]
            : [ConnectionPhase.TcpConnect, ConnectionPhase.ConnectionInitiation, ConnectionPhase.BasicSettingsExchange, ConnectionPhase.ChannelConnection, ConnectionPhase.Licensing, ConnectionPhase.CapabilitiesExchange];
        Assert.Equal(expected, result.Phases.Select(p => p.Phase));

        // After STATUS_VALID_CLIENT xrdp sends its Demand Active (decrypted first at crypt_level low/high/fips): accepted.
        Assert.Equal(ServerVerdictKind.DemandActive, result.Verdict!.Kind);
        Assert.True(result.Accepted);
        Assert.False(result.ChannelJoinsSkipped); // xrdp 0.9.21 does not offer to skip the joins
        Assert.All(result.Phases, p => Assert.True(p.Duration >= TimeSpan.Zero && p.Duration < TimeSpan.FromSeconds(10)));
        Assert.True(result.Total >= result.Phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration) - TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task LicenseCommandWithServerUsesTheSameConnection()
    {
        if (XrdpServers.Port("rdp-high") is not { } port)
        {
            return;
        }

        (int exit, string output, string error) = await Host.HostRunner.RunAsync("license", "--server", $"127.0.0.1:{port}", "--json", "--timeout", "10");
        Assert.True(exit == 0, error + output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("valid-client", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("rdp-128bit", json.RootElement.GetProperty("negotiatedSecurity").GetString());
        Assert.True(json.RootElement.GetProperty("phases").GetArrayLength() >= 5);
    }
}
