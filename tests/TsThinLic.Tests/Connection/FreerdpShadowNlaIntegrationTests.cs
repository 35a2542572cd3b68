using System.Net;
using System.Text.Json;
using TsThinLic.Benchmarks;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Ntlm;
using TsThinLic.Storage;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The probe against a real NLA server no one here wrote: FreeRDP 2.11's freerdp-shadow-cli with /sec:nla and a SAM file
/// (started by .ci/nla.sh). It reaches licensing through CredSSP over NTLMv2 and reports the server's verdict; a wrong
/// password is a logon failure that writes nothing; a wrong pinned fingerprint is refused before any CredSSP byte leaves.
/// </summary>
public sealed class FreerdpShadowNlaIntegrationTests
{
    private static async Task<ProbeResult> ProbeAsync(int port, NlaCredentials credentials, ProbeSecurity security = ProbeSecurity.Nla, ILicenseStore? store = null, byte[]? expected = null, NlaTokenFormat? format = null)
    {
        var options = new RdpProbeOptions
        {
            Security = security,
            UserName = credentials.UserName,
            Domain = credentials.Domain,
            MachineName = "ci-thinclient",
            Credentials = credentials,
            ExpectedCertificate = expected,
            TokenFormat = format,
            Timeout = TimeSpan.FromSeconds(20),
        };
        return await new RdpProbe(store ?? new MemoryLicenseStore(), SystemRandomSource.Instance, TimeProvider.System, options).RunAsync("127.0.0.1", port);
    }

    [Fact]
    public void TheSamFilesHashIsOurNtHash()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        // .ci/nla.sh wrote user:DOMAIN::<MD4 of the UTF-16LE password>::: with OpenSSL; BouncyCastle's MD4 agrees.
        byte[] hash = new byte[16];
        NtlmCrypto.NtHash(server.Password, hash);
        string sam = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable(NlaServer.Variable))!, "sam"));
        Assert.Equal($"{server.User}:{server.Domain}::{Convert.ToHexStringLower(hash)}:::", sam.Trim());
    }

    [Fact]
    public async Task NlaReachesLicensingAndTheServerAcceptsTheClient()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        using var credentials = new NlaCredentials(server.User, server.Domain, server.Password);
        var store = new MemoryLicenseStore();
        ProbeResult result = await ProbeAsync(server.Port, credentials, store: store);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(LicensingOutcome.ValidClient, result.Outcome); // the shadow server answers STATUS_VALID_CLIENT at once
        Assert.Equal(ServerVerdictKind.DemandActive, result.Verdict!.Kind);
        Assert.True(result.Accepted);
        Assert.Equal(NegotiationProtocols.Hybrid, result.SelectedProtocol);
        Assert.Equal(NlaTokenFormat.RawNtlm, result.Nla!.TokenFormat);
        Assert.True(result.Nla.ServerVerified);
        Assert.True(result.Nla.CredentialsSent);
        Assert.True(result.Nla.MicSent);
        Assert.True(result.Nla.ServerVersion >= 2);
        Assert.NotNull(result.TlsCertificate);
        Assert.NotNull(store.Load().HardwareId);
        Assert.Equal(
            [ConnectionPhase.TcpConnect, ConnectionPhase.ConnectionInitiation, ConnectionPhase.TlsHandshake, ConnectionPhase.NetworkLevelAuthentication, ConnectionPhase.BasicSettingsExchange, ConnectionPhase.ChannelConnection, ConnectionPhase.Licensing, ConnectionPhase.CapabilitiesExchange],
            result.Phases.Select(p => p.Phase));
    }

    [Fact]
    public async Task AutoSwitchesToNlaWhenTheServerRequiresIt()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        using var credentials = new NlaCredentials(server.User, server.Domain, server.Password);
        ProbeResult result = await ProbeAsync(server.Port, credentials, ProbeSecurity.Auto);
        Assert.True(result.Accepted, result.Failure?.ToString());
        Assert.True(result.SwitchedToNla);

        var withoutCredentials = new RdpProbe(new MemoryLicenseStore(), SystemRandomSource.Instance, TimeProvider.System, new RdpProbeOptions { Timeout = TimeSpan.FromSeconds(20) });
        ProbeResult refused = await withoutCredentials.RunAsync("127.0.0.1", server.Port);
        Assert.Equal(ConnectionFailureReason.CredentialsRequired, refused.Failure!.Reason);
        Assert.Equal(NegotiationFailureCode.HybridRequiredByServer, refused.Failure.NegotiationFailure);
    }

    [Fact]
    public async Task AWrongPasswordIsALogonFailureThatWritesNothing()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        string directory = StoreTestKit.TempDirectory();
        string path = Path.Combine(directory, "licenses.store");
        (int exit, string output, string error) = await Host.HostRunner.RunWithInputAsync(
            "not-the-password\n", "probe", $"127.0.0.1:{server.Port}", "--security", "nla", "--user", $@"{server.Domain}\{server.User}", "--password-stdin", "--store", $"file:{path}", "--json", "--timeout", "20");

        Assert.True(exit == 1, error + output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("AuthenticationFailed", json.RootElement.GetProperty("failureReason").GetString());
        Assert.Equal("LogonFailure", json.RootElement.GetProperty("nlaFailure").GetProperty("reason").GetString());
        Assert.StartsWith("logon failure", json.RootElement.GetProperty("meaning").GetString(), StringComparison.Ordinal);
        Assert.False(json.RootElement.GetProperty("nla").GetProperty("credentialsSent").GetBoolean());
        Assert.DoesNotContain("not-the-password", output + error, StringComparison.Ordinal);
        Assert.False(File.Exists(path), "nothing may be written to the store");
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task AWrongFingerprintIsRefusedBeforeAnyCredSspByteLeaves()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        // Through a recording proxy: every byte the client sent is looked at.
        await using var proxy = new DelayingTcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port), TimeSpan.Zero);
        proxy.Start();
        using var credentials = new NlaCredentials(server.User, server.Domain, server.Password);
        ProbeResult result = await ProbeAsync(proxy.Port, credentials, expected: new byte[32]);

        Assert.Equal(ConnectionFailureReason.CertificateMismatch, result.Failure!.Reason);
        Assert.Null(result.Nla);
        await Task.Delay(200);
        List<byte> types = FakeNlaTcpServer.ClientRecordTypes(proxy.ClientBytes.Single());
        Assert.Contains((byte)22, types); // the TLS handshake
        Assert.DoesNotContain((byte)23, types); // no application data: no TSRequest, so no authInfo

        // The right fingerprint (as the probe reports it) goes on and is recorded as checked.
        ProbeResult pinned = await ProbeAsync(server.Port, credentials, expected: result.TlsCertificate!.Sha256Fingerprint);
        Assert.True(pinned.Accepted, pinned.Failure?.ToString());
        Assert.True(pinned.CertificateChecked);
    }

    [Fact]
    public async Task SpnegoIsRefusedByFreerdp211AndTheErrorCodeNamed()
    {
        if (NlaServer.Get() is not { } server)
        {
            return;
        }

        // FreeRDP 2.11's server speaks raw NTLM only; asked in SPNEGO it answers an errorCode, reported by name.
        using var credentials = new NlaCredentials(server.User, server.Domain, server.Password);
        ProbeResult result = await ProbeAsync(server.Port, credentials, format: NlaTokenFormat.Spnego);
        Assert.Equal(ConnectionFailureReason.AuthenticationFailed, result.Failure!.Reason);
        Assert.False(result.Failure.Nla!.CredentialsSent);
        Assert.NotNull(result.Failure.Nla.ErrorCode);
        Assert.StartsWith("NTSTATUS_FROM_WIN32", result.Failure.Nla.ErrorCodeName, StringComparison.Ordinal);
    }
}
