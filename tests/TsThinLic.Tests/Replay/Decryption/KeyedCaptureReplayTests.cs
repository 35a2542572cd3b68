using System.Text;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// The keyed captures of real peers replay like clear ones once decrypted: TLS 1.3 (FreeRDP 2.11 → xrdp 0.9.21) and
/// TLS 1.2 (the probe → xrdp) with their key log, from a file or the pcapng's Decryption Secrets Block; Standard RDP
/// Security at low, high and FIPS with xrdp's key; without the secrets, the notices they gave before.
/// </summary>
public sealed class KeyedCaptureReplayTests
{
    public static TheoryData<string> TlsCaptures => new(KeyedCaptures.TlsCaptures);

    [Theory]
    [MemberData(nameof(TlsCaptures))]
    public void ATlsCaptureWithItsKeyLogFileReplaysItsLicensingExchange(string name)
    {
        ReplayInput input = KeyedCaptures.Load(name + ".pcapng", KeyedCaptures.Keys([name + ".keylog"]));

        AssertDecryptedTlsExchange(input);
    }

    [Theory]
    [MemberData(nameof(TlsCaptures))]
    public void ATlsCaptureWithItsDecryptionSecretsBlockNeedsNoKeyLog(string name)
    {
        ReplayInput input = KeyedCaptures.Load(name + ".dsb.pcapng", DecryptionKeys.None);

        AssertDecryptedTlsExchange(input);
    }

    [Theory]
    [MemberData(nameof(TlsCaptures))]
    public void WithoutItsSecretsATlsCaptureGivesTheTlsNoticeItGaveBefore(string name)
    {
        ReplayInput input = KeyedCaptures.Load(name + ".pcapng", DecryptionKeys.None);

        Assert.Null(input.Error);
        Assert.Empty(input.Exchanges);
        string notice = Assert.Single(input.Notices);
        Assert.Contains(": TLS: ", notice, StringComparison.Ordinal);
        Assert.Contains("cannot be inspected", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDecryptedTls13ExchangeHasThePerPduVerdictsOfFreeRdpsClearCapture()
    {
        // The same peers (FreeRDP 2.11, xrdp 0.9.21), once in clear (crypt_level=none) and once inside TLS 1.3.
        ReplayExchangeResult clear = ReplayRunner.Run(Assert.Single(ReplayInputLoader.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "xrdp-rdp-none.pcapng")).Exchanges));
        ReplayExchangeResult tls = ReplayRunner.Run(Assert.Single(KeyedCaptures.Load("freerdp-xrdp-tls13.dsb.pcapng", DecryptionKeys.None).Exchanges));

        Assert.Equal(clear.Pdus.Select(p => (p.Direction, p.MessageType, p.Verdict)), tls.Pdus.Select(p => (p.Direction, p.MessageType, p.Verdict)));
        Assert.Equal(clear.Outcome, tls.Outcome);
        Assert.Equal(
            clear.Pdus.SelectMany(p => p.Differences).Select(d => (d.Field, d.IsTolerated)),
            tls.Pdus.SelectMany(p => p.Differences).Select(d => (d.Field, d.IsTolerated)));
    }

    [Fact]
    public void AnotherConnectionsKeyLogIsANoticeNamingTheClientRandom()
    {
        ReplayInput input = KeyedCaptures.Load("probe-xrdp-tls12.pcapng", KeyedCaptures.Keys(["freerdp-xrdp-tls13.keylog"]));

        Assert.Empty(input.Exchanges);
        string notice = Assert.Single(input.Notices);
        Assert.Contains("no secret for this connection: the key log has no CLIENT_RANDOM line for client random", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOpenSslSuiteDecryptsWithBothFinishedVerifiedAndTheDataThatWasSent()
    {
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(File.ReadAllBytes(KeyedCaptures.Path("openssl-tls-suites.dsb.pcapng")));

        Assert.Null(analysis.Error);
        Assert.Equal(12, analysis.Connections.Count);
        var suites = new List<string>();
        foreach (CapturedConnection connection in analysis.Connections)
        {
            Assert.True(connection.IsDecrypted, string.Join("; ", connection.Notes));
            Assert.Contains("2 of 2 Finished messages verified", connection.Decryption, StringComparison.Ordinal);
            Assert.DoesNotContain(connection.Notes, n => n.Contains("does not", StringComparison.Ordinal) || n.Contains("not decrypted", StringComparison.Ordinal));
            Assert.DoesNotContain(connection.TlsRecords, r => r.Encrypted && r.Plaintext is null);
            // "TLS: TLS 1.3 TLS_AES_128_GCM_SHA256: 15 record(s) …": the version and suite.
            suites.Add(connection.Decryption!.Split(':')[1].Trim());

            // s_client sent two lines (and "K" asked for a KeyUpdate in TLS 1.3); s_server -rev sent each back reversed.
            string sent = Encoding.ASCII.GetString([.. connection.TlsRecords.Where(r => r.FromClient && r.ContentType == 23).SelectMany(r => r.Plaintext!)]);
            string received = Encoding.ASCII.GetString([.. connection.TlsRecords.Where(r => !r.FromClient && r.ContentType == 23).SelectMany(r => r.Plaintext!)]);
            Assert.StartsWith("hello from s_client over ", sent, StringComparison.Ordinal);
            Assert.Contains(new string(sent.Split('\n')[0].Reverse().ToArray()), received, StringComparison.Ordinal);
            if (connection.Decryption!.StartsWith("TLS: TLS 1.3", StringComparison.Ordinal))
            {
                // TLS 1.3 only: the line after the KeyUpdate, under the next generation of keys, and its answer.
                Assert.Contains("after the key update\n", sent, StringComparison.Ordinal);
                Assert.Contains(new string("after the key update".Reverse().ToArray()), received, StringComparison.Ordinal);
            }
        }

        Assert.Equal(
            [
                "TLS 1.3 TLS_AES_128_GCM_SHA256", "TLS 1.3 TLS_AES_256_GCM_SHA384", "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256", "TLS 1.3 TLS_AES_128_CCM_SHA256",
                "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS 1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA256",
                "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS 1.2 TLS_RSA_WITH_AES_256_GCM_SHA384",
            ],
            suites);
    }

    [Fact]
    public void Tls13KeyUpdatesAreFollowedInBothDirections()
    {
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(File.ReadAllBytes(KeyedCaptures.Path("openssl-tls-suites.dsb.pcapng")));

        foreach (CapturedConnection connection in analysis.Connections.Take(4))
        {
            // KeyUpdate is handshake type 24 inside an application-epoch record; the records after it decrypted too.
            foreach (bool fromClient in new[] { true, false })
            {
                var records = connection.TlsRecords.Where(r => r.FromClient == fromClient && r.Plaintext is not null).ToList();
                int update = records.FindIndex(r => r.ContentType == 22 && r.Plaintext!.Length > 0 && r.Plaintext[0] == 24);
                Assert.True(update >= 0, $"{connection.Name}: no KeyUpdate from the {(fromClient ? "client" : "server")}");
                Assert.Contains(records.Skip(update + 1), r => r.ContentType == 23);
            }
        }
    }

    [Fact]
    public void ACutCaptureIsANoticeOrAnErrorAtEveryLengthNeverAnException()
    {
        byte[] file = File.ReadAllBytes(KeyedCaptures.Path("freerdp-xrdp-tls13.dsb.pcapng"));
        for (int length = 0; length < file.Length; length += 61)
        {
            ReplayInput input = ReplayInputLoader.Load("cut.pcapng", file.AsMemory(0, length), DecryptionKeys.None);
            if (input.Exchanges.Count > 0)
            {
                ReplayReport.Run([input]);
            }

            Assert.True(input.Error is not null || input.Notices.Count > 0 || input.Exchanges.Count > 0, $"cut at {length}: nothing said");
        }
    }

    [Theory]
    [InlineData("xrdp-rsakeys.ini")]
    [InlineData("xrdp-rsakeys.pem")]
    [InlineData("xrdp-rsakeys.pkcs8.pem")]
    public void TheProbesStandardSecurityCapturesDecryptWithXrdpsKeyInEveryFormat(string keyFile)
    {
        foreach (string level in new[] { "low", "high", "fips" })
        {
            ReplayInput input = KeyedCaptures.Load($"probe-xrdp-rdp-{level}.pcapng", KeyedCaptures.Keys(serverKeys: [keyFile]));
            ReplayExchange exchange = Assert.Single(input.Exchanges);
            string decryption = exchange.Notes[0];
            Assert.StartsWith("Standard RDP Security: " + (level == "fips" ? "FIPS 3DES" : level == "low" ? "RC4 40-bit" : "RC4 128-bit"), decryption, StringComparison.Ordinal);
            Assert.Contains($"client random decrypted with {keyFile}", decryption, StringComparison.Ordinal);
            Assert.DoesNotContain("does not verify", decryption, StringComparison.Ordinal);

            // low: only the client encrypts (its Client Info PDU); high and FIPS: the server's PDUs too.
            Assert.Contains(level == "low" ? "1 PDU(s) decrypted with a verified MAC" : "2 PDU(s) decrypted with a verified MAC", decryption, StringComparison.Ordinal);
            Assert.Equal(ReplayVerdict.Pass, ReplayRunner.Run(exchange).Verdict);
        }
    }

    [Fact]
    public void FreeRdpsEncryptedFipsLicensingPduDecryptsAndReplaysField()
    {
        ReplayInput clear = KeyedCaptures.Load("freerdp-xrdp-rdp-fips.pcapng", DecryptionKeys.None);
        ReplayExchangeResult before = ReplayRunner.Run(Assert.Single(clear.Exchanges));
        Assert.Equal(ReplayVerdict.Unsupported, Assert.Single(before.Pdus, p => p.Direction == CaptureDirection.ClientToServer).Verdict);
        Assert.Contains(clear.Exchanges[0].Notes, n => n.Contains("SEC_ENCRYPT", StringComparison.Ordinal));

        ReplayInput input = KeyedCaptures.Load("freerdp-xrdp-rdp-fips.pcapng", KeyedCaptures.Keys(serverKeys: ["xrdp-rsakeys.ini"]));
        ReplayExchangeResult after = ReplayRunner.Run(Assert.Single(input.Exchanges));

        Assert.Equal(ReplayVerdict.Pass, after.Verdict);
        ReplayPduResult client = Assert.Single(after.Pdus, p => p.Direction == CaptureDirection.ClientToServer);
        Assert.Equal("NEW_LICENSE_REQUEST", client.MessageType);
        Assert.Contains("MAC verified", client.Detail, StringComparison.Ordinal);

        // FreeRDP encrypted it (SEC_ENCRYPT, with a salted MAC and SEC_LICENSE_ENCRYPT_CS): the transport bits are the
        // only difference in the header, reported as tolerated.
        FieldDifference flags = Assert.Single(client.Differences, d => d.Field == "TS_SECURITY_HEADER.flags");
        Assert.True(flags.IsTolerated);
    }

    [Theory]
    [InlineData("low")]
    [InlineData("high")]
    public void FreeRdpsSaltedMacVerifiesWhereXrdpRefusedIt(string level)
    {
        // xrdp 0.9.21 drops FreeRDP 2.11 after its Client Info PDU ("MAC checksum error"); decrypted with xrdp's key,
        // the PDU's salted MAC ([MS-RDPBCGR 5.3.6.1.1]) verifies: the capture holds no licensing, and says so.
        ReplayInput input = KeyedCaptures.Load($"freerdp-xrdp-rdp-{level}.pcapng", KeyedCaptures.Keys(serverKeys: ["xrdp-rsakeys.ini"]));

        Assert.Empty(input.Exchanges);
        string notice = Assert.Single(input.Notices);
        Assert.Contains("RDP, no licensing", notice, StringComparison.Ordinal);
        Assert.Contains("1 PDU(s) decrypted with a verified MAC", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerKeyOfAnotherServerIsANotice()
    {
        string ini = TsThinLic.Rdp.Security.RsaPrivateKeyFile.WriteRsaKeysIni(Emulator.EmulatorKeys.Rsa2048);
        string path = Path.Combine(Path.GetTempPath(), $"tsthinlic-other-{Guid.NewGuid():N}.ini");
        File.WriteAllText(path, ini);
        try
        {
            Assert.True(DecryptionKeys.TryLoad([], [path], [], out DecryptionKeys keys, out string error), error);
            ReplayInput input = KeyedCaptures.Load("probe-xrdp-rdp-high.pcapng", keys);

            ReplayExchange exchange = Assert.Single(input.Exchanges);
            Assert.Contains(exchange.Notes, n => n.Contains("no --server-key matches the server certificate's 2048-bit public key", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertDecryptedTlsExchange(ReplayInput input)
    {
        Assert.Null(input.Error);
        ReplayExchange exchange = Assert.Single(input.Exchanges);
        Assert.StartsWith("TLS: TLS 1.", exchange.Notes[0], StringComparison.Ordinal);
        Assert.Contains("2 of 2 Finished messages verified", exchange.Notes[0], StringComparison.Ordinal);
        Assert.All(exchange.Pdus, p => Assert.StartsWith("inside TLS 1.", p.Decryption, StringComparison.Ordinal));
        ReplayExchangeResult result = ReplayRunner.Run(exchange);
        Assert.Equal(ReplayVerdict.Pass, result.Verdict);
        Assert.Equal(["LICENSE_REQUEST", "NEW_LICENSE_REQUEST", "ERROR_ALERT"], result.Pdus.Select(p => p.MessageType));
        Assert.Equal("valid-client", result.Outcome);
    }
}
