using System.Net.Sockets;
using System.Text.Json;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Nla;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The probe through Network Level Authentication against <see cref="FakeNlaTcpServer"/> (real sockets, BouncyCastle's
/// TLS server): licensing reached through CredSSP, HYBRID_EX's authorization, certificate pinning asserted on the bytes
/// that left the client, an interceptor's key refused before the credentials, raw NTLM then SPNEGO.
/// </summary>
public sealed class NlaProbeTests
{
    private static byte[] PublicKey() => TestServerCertificate.PublicKey();

    private static string Fingerprint() => TestServerCertificate.Read().Sha256FingerprintText;

    private static async Task<ProbeResult> ProbeAsync(int port, string password = "S3cret!", byte[]? expected = null, ILicenseStore? store = null, NlaTokenFormat? format = null, ProbeSecurity security = ProbeSecurity.Nla)
    {
        using var credentials = new NlaCredentials("alice", "TESTDOM", password);
        var options = new RdpProbeOptions { Security = security, UserName = "alice", Domain = "TESTDOM", Credentials = credentials, ExpectedCertificate = expected, TokenFormat = format, Timeout = TimeSpan.FromSeconds(15) };
        return await new RdpProbe(store ?? new MemoryLicenseStore(), new SequenceRandomSource(0x61), TimeProvider.System, options).RunAsync("127.0.0.1", port);
    }

    [Theory]
    [InlineData(NegotiationProtocols.Hybrid)]
    [InlineData(NegotiationProtocols.HybridEx)]
    public async Task LicensingIsReachedThroughNla(NegotiationProtocols selected)
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer(EmulatedServerScript.ValidClient)) { Selected = selected };
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            ProbeResult result = await ProbeAsync(port);
            await served.WaitAsync(TimeSpan.FromSeconds(15));

            Assert.True(result.Accepted, result.Failure?.ToString() ?? server.Problems[0]);
            Assert.Equal(LicensingOutcome.ValidClient, result.Outcome);
            Assert.Equal(ServerVerdictKind.DemandActive, result.Verdict!.Kind);
            Assert.Equal(selected, result.SelectedProtocol);
            Assert.Equal(NegotiationProtocols.Ssl | NegotiationProtocols.Hybrid | NegotiationProtocols.HybridEx, result.RequestedProtocols);
            Assert.True(result.Nla!.ServerVerified);
            Assert.True(result.Nla.CredentialsSent);
            Assert.Equal(("TESTDOM", "alice", "S3cret!"), server.CredSspServers[0].Credentials);
            Assert.Equal(selected == NegotiationProtocols.HybridEx ? EarlyUserAuthorizationResult.Success : null, result.Nla.EarlyUserAuthorizationResult);
            Assert.False(result.CertificateChecked);
            Assert.Contains(result.Phases, p => p.Phase == ConnectionPhase.NetworkLevelAuthentication);
            Assert.Equal("TESTDOM", result.Nla.ServerNetBiosDomain);
        }
    }

    [Fact]
    public async Task AccessDeniedAfterCredSspIsReported()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer()) { Selected = NegotiationProtocols.HybridEx, EarlyUserAuthorization = EarlyUserAuthorizationResult.AccessDenied };
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            ProbeResult result = await ProbeAsync(port);
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(ConnectionFailureReason.AuthenticationFailed, result.Failure!.Reason);
            Assert.Equal(NlaFailureReason.AccessDenied, result.Failure.Nla!.Reason);
            Assert.Contains("AUTHZ_ACCESS_DENIED", result.Failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AWrongFingerprintIsRefusedBeforeAnyTsRequestLeaves()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer());
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            byte[] wrong = new byte[32];
            ProbeResult result = await ProbeAsync(port, expected: wrong);
            await served.WaitAsync(TimeSpan.FromSeconds(15));

            Assert.Equal(ConnectionFailureReason.CertificateMismatch, result.Failure!.Reason);
            Assert.Contains(Fingerprint(), result.Failure.Message, StringComparison.Ordinal);
            Assert.Null(result.Nla);
            // On the bytes: after the X.224 Connection Request only TLS handshake, change-cipher-spec and alert records
            // left the client, never application data (content type 23): no TSRequest, let alone authInfo.
            List<byte> types = FakeNlaTcpServer.ClientRecordTypes(server.Wire[0]);
            Assert.DoesNotContain((byte)23, types);
            Assert.Contains((byte)22, types);
            Assert.Empty(server.CredSspServers[0].ClientMessages);
        }
    }

    [Fact]
    public async Task TheRightFingerprintGoesOnAndSaysSo()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer(EmulatedServerScript.ValidClient));
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            ProbeResult result = await ProbeAsync(port, expected: TlsServerCertificate.ParseFingerprint(Fingerprint()));
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(result.Accepted, result.Failure?.ToString());
            Assert.True(result.CertificateChecked);
            Assert.Equal("CN=tsthinlic-test-rdp-server", result.TlsCertificate!.Subject);
        }
    }

    [Fact]
    public async Task AnInterceptorsKeyStopsTheProbeBeforeTheCredentials()
    {
        byte[] other = PublicKey();
        other[^3] ^= 1;
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()) { PubKeyAuthKey = other }, () => new FakeRdpServer());
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            ProbeResult result = await ProbeAsync(port);
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(NlaFailureReason.PublicKeyMismatch, result.Failure!.Nla!.Reason);
            Assert.False(result.Failure.Nla.CredentialsSent);
            Assert.Null(server.CredSspServers[0].Credentials);
            // Decrypted on the server: two TSRequests from the client, neither with authInfo.
            Assert.Equal(2, server.CredSspServers[0].ClientMessages.Count);
            Assert.All(server.CredSspServers[0].ClientMessages, m => Assert.True(TsRequest.TryDecode(m, out TsRequest? r, out _) && r!.AuthInfo is null));
        }
    }

    [Fact]
    public async Task AWrongPasswordIsALogonFailureAndTheStoreIsUntouched()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer(EmulatedServerScript.NewLicense));
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            string directory = StoreTestKit.TempDirectory();
            string path = Path.Combine(directory, "licenses.store");
            var store = new FileLicenseStore(path);
            ProbeResult result = await ProbeAsync(port, password: "wrong", store: store);
            await served.WaitAsync(TimeSpan.FromSeconds(15));

            Assert.Equal(ConnectionFailureReason.AuthenticationFailed, result.Failure!.Reason);
            Assert.Equal(NlaFailureReason.LogonFailure, result.Failure.Nla!.Reason);
            Assert.Contains("NTProofStr", server.Problems[0], StringComparison.Ordinal);
            Assert.False(File.Exists(path)); // not even a HWID was written
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task RawNtlmRefusedThenSpnegoSucceeds()
    {
        // The first connection's server wants SPNEGO and closes on raw NTLM; the probe connects again with SPNEGO.
        int connection = 0;
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()) { Spnego = true, RequireSpnego = connection++ == 0 }, () => new FakeRdpServer(EmulatedServerScript.ValidClient));
        (int port, Task served, TcpListener listener) = server.Serve(2);
        using (listener)
        {
            ProbeResult result = await ProbeAsync(port);
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(result.Accepted, result.Failure?.ToString());
            Assert.Equal(NlaTokenFormat.Spnego, result.Nla!.TokenFormat);
            Assert.Equal([NlaTokenFormat.RawNtlm], result.NlaAttempts);
        }
    }

    [Fact]
    public async Task TheHostReportsNlaTheCertificateAndTheVerdict()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer(EmulatedServerScript.ValidClient));
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            (int exit, string output, string error) = await Host.HostRunner.RunWithInputAsync("S3cret!\n", "probe", $"127.0.0.1:{port}", "--security", "nla", "--user", @"TESTDOM\alice", "--password-stdin", "--json");
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(exit == 0, error + output);
            Assert.DoesNotContain("S3cret", output, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(output);
            JsonElement root = json.RootElement;
            Assert.Equal("nla", root.GetProperty("negotiatedSecurity").GetString());
            Assert.Equal("demand-active", root.GetProperty("serverVerdict").GetProperty("pdu").GetString());
            Assert.Equal(Fingerprint(), root.GetProperty("tls").GetProperty("certificate").GetProperty("sha256Fingerprint").GetString());
            Assert.Contains("not checked", root.GetProperty("certificateWarning").GetString(), StringComparison.Ordinal);
            Assert.Equal("raw-ntlm", root.GetProperty("nla").GetProperty("tokenFormat").GetString());
            Assert.True(root.GetProperty("nla").GetProperty("credentialsSent").GetBoolean());
            Assert.Equal("alice", root.GetProperty("clientSent").GetProperty("user").GetString());
        }
    }

    [Fact]
    public async Task ThePasswordNeverReachesTheRecordedSecrets()
    {
        var server = new FakeNlaTcpServer(() => new FakeCredSspServer(PublicKey()), () => new FakeRdpServer(EmulatedServerScript.ValidClient));
        (int port, Task served, TcpListener listener) = server.Serve(1);
        using (listener)
        {
            string directory = StoreTestKit.TempDirectory();
            string secrets = Path.Combine(directory, "secrets.json");
            (int exit, string output, string error) = await Host.HostRunner.RunWithInputAsync("S3cret!\n", "probe", $"127.0.0.1:{port}", "--security", "nla", "--user", @"TESTDOM\alice", "--password-stdin", "--record-secrets", secrets);
            await served.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(exit == 0, error + output);

            // Neither the password (as text, UTF-16 or hex) nor its NT hash; and NLA's randoms are not among the recorded
            // blocks (the RDP and licensing ones only: client random, premaster).
            string recorded = File.ReadAllText(secrets);
            byte[] ntHash = new byte[16];
            TsThinLic.Rdp.Ntlm.NtlmCrypto.NtHash("S3cret!", ntHash);
            foreach (string form in new[] { "S3cret!", Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes("S3cret!")), Convert.ToHexStringLower(System.Text.Encoding.Unicode.GetBytes("S3cret!")), Convert.ToHexStringLower(ntHash) })
            {
                Assert.DoesNotContain(form, recorded, StringComparison.OrdinalIgnoreCase);
            }

            using var json = JsonDocument.Parse(recorded);
            Assert.Equal(2, json.RootElement.GetProperty("randomBlocks").GetArrayLength());
            Assert.All(json.RootElement.GetProperty("pdus").EnumerateArray(), p => Assert.StartsWith("03", p.GetProperty("hex").GetString(), StringComparison.Ordinal)); // TPKT only, no TSRequest
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task NlaWithoutAPasswordCannotRun()
    {
        (int exit, _, string error) = await Host.HostRunner.RunWithInputAsync(string.Empty, "probe", "127.0.0.1:1", "--security", "nla", "--user", @"TESTDOM\alice", "--password-stdin");
        Assert.Equal(2, exit);
        Assert.Contains("--password-stdin", error, StringComparison.Ordinal);
        (exit, _, error) = await Host.HostRunner.RunWithInputAsync(string.Empty, "probe", "127.0.0.1:1", "--expect-certificate", "abc");
        Assert.Equal(2, exit);
        Assert.Contains("--expect-certificate", error, StringComparison.Ordinal);
    }
}
