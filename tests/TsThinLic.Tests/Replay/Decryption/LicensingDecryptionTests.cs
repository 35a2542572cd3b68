using System.Text.Json;
using TsThinLic.Emulator;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// --license-key: the premaster secret decrypted with the licensing certificate's key, then the challenge, the HWID
/// and the CAL, each MAC checked. Against the emulator's transcripts (whose premaster secrets and HWIDs are known)
/// and against licensing exchanges recorded with real Windows servers (../shared/windows-licensing), whose client
/// sent a zero premaster secret: every server byte there, the NEW_LICENSE and its CAL included, is Windows output.
/// </summary>
public sealed class LicensingDecryptionTests
{
    private static readonly DecryptionKeys s_emulatorKeys = DecryptionKeys.Create(licenseKeys:
    [
        new NamedRsaKey("emulator-512", EmulatorKeys.Rsa512),
        new NamedRsaKey("emulator-2048", EmulatorKeys.Rsa2048),
    ]);

    private static string Transcript(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", name + ".transcript");

    private static string SharedFile(string name) => Path.Combine(TsThinLic.Tests.Storage.StoreTestKit.RepositoryRoot(), "..", "shared", "windows-licensing", name);

    [Theory]
    [InlineData("new-license-with-challenge")]
    [InlineData("license-info-upgrade")]
    [InlineData("license-info-valid-client")]
    public void TheEmulatorsKeyRevealsTheRecordedPremasterSecretAndHwid(string name)
    {
        ReplayExchange recorded = Assert.Single(ReplayInputLoader.Load(Transcript(name)).Exchanges);
        ReplayExchange withoutSecrets = new(recorded.Source, recorded.Name, recorded.Pdus, new ReplaySecrets { ClientRandoms = recorded.Secrets.ClientRandoms, PlatformId = recorded.Secrets.PlatformId, UserName = recorded.Secrets.UserName, MachineName = recorded.Secrets.MachineName, StoredLicenses = recorded.Secrets.StoredLicenses }, recorded.ExpectedOutcome);

        ReplayExchange opened = ExchangeDecryption.Apply(withoutSecrets, s_emulatorKeys);

        Assert.Equal(recorded.Secrets.PreMasterSecrets.Select(s => Convert.ToHexString(s.Span)), opened.Secrets.PreMasterSecrets.Select(s => Convert.ToHexString(s.Span)));
        Assert.Equal(recorded.Secrets.HardwareId, opened.Secrets.HardwareId);
        Assert.Contains(opened.Revealed, r => r.Contains("premaster secret decrypted with emulator-2048 (its modulus is the licensing certificate's)", StringComparison.Ordinal));
        Assert.Contains(opened.Revealed, r => r.Contains($"HWID {recorded.Secrets.HardwareId}", StringComparison.Ordinal) && r.Contains("MAC verified", StringComparison.Ordinal));

        // With the premaster secret and the HWID the replay is byte-exact again.
        ReplayExchangeResult result = ReplayRunner.Run(opened);
        Assert.Equal("byte-exact", result.Comparison);
        Assert.Equal(ReplayVerdict.Pass, result.Verdict);
    }

    [Fact]
    public void TheIssuedCalIsDecodedWithItsHolderAndValidity()
    {
        ReplayExchange opened = ExchangeDecryption.Apply(Assert.Single(ReplayInputLoader.Load(Transcript("new-license-with-challenge")).Exchanges), s_emulatorKeys);

        Assert.Contains(opened.Revealed, r => r.StartsWith("PLATFORM_CHALLENGE: a ", StringComparison.Ordinal) && r.EndsWith("MAC verified", StringComparison.Ordinal));
        string cal = Assert.Single(opened.Revealed, r => r.StartsWith("the CAL NEW_LICENSE carries", StringComparison.Ordinal));
        Assert.Contains("(temporary)", cal, StringComparison.Ordinal);
        Assert.Contains("to machine THIN-0042, user qa-user", cal, StringComparison.Ordinal);
        Assert.Contains("bound to HWID 000001040f1e2d3c4b5a69788796a5b4c3d2e1f0", cal, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlippedMacByteFailsThePduAfterDecryption()
    {
        ReplayExchange recorded = Assert.Single(ReplayInputLoader.Load(Transcript("new-license-with-challenge")).Exchanges);
        int last = recorded.Pdus.Count - 1;
        byte[] license = recorded.Pdus[last].Bytes.ToArray();
        license[^1] ^= 0x01; // the last byte of NEW_LICENSE's MACData
        var pdus = recorded.Pdus.Select((p, i) => i == last ? p with { Bytes = license } : p).ToList();

        ReplayExchange opened = ExchangeDecryption.Apply(new ReplayExchange(recorded.Source, recorded.Name, pdus, recorded.Secrets, recorded.ExpectedOutcome), s_emulatorKeys);
        ReplayExchangeResult result = ReplayRunner.Run(opened);

        Assert.Equal(ReplayVerdict.Fail, result.Verdict);
        ReplayPduResult failed = result.Pdus[last];
        Assert.Equal(ReplayVerdict.Fail, failed.Verdict);
        Assert.Contains("MAC does not verify", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyThatDecryptsNothingIsANotice()
    {
        // Only a key of another size: its modulus is not the certificate's and the decrypted value's high bytes are not zero.
        DecryptionKeys other = DecryptionKeys.Create(licenseKeys: [new NamedRsaKey("other", EmulatorKeys.Rsa512)]);
        ReplayExchange opened = ExchangeDecryption.Apply(Assert.Single(ReplayInputLoader.Load(Transcript("new-license-with-challenge")).Exchanges), other);

        Assert.Contains(opened.Notes, n => n.Contains("EncryptedPreMasterSecret does not decrypt with other", StringComparison.Ordinal));
        Assert.Empty(opened.Revealed);
    }

    public static TheoryData<string> WindowsSessions()
    {
        var data = new TheoryData<string>();
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(SharedFile("windows-licensing.json")));
        foreach (JsonElement session in json.RootElement.EnumerateArray())
        {
            if (!session.GetProperty("historical_version").GetBoolean() && session.GetProperty("pdus").EnumerateArray().Any(p => p.GetProperty("msg_type").GetString() is "PLATFORM_CHALLENGE" or "LICENSE_INFO"))
            {
                data.Add(session.GetProperty("source_path").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WindowsSessions))]
    public void WindowsServersChallengesHwidsAndCalsDecryptWithTheirMacsVerified(string sourcePath)
    {
        ReplayExchange exchange = WindowsExchange(sourcePath, out JsonElement session);

        // redemption's client sent a zero EncryptedPreMasterSecret, so any key yields the zero premaster secret the
        // Windows server used; what follows checks the Windows server's MACs and decrypts its CALs.
        ReplayExchange opened = ExchangeDecryption.Apply(exchange, s_emulatorKeys);

        Assert.Empty(opened.Notes);
        Assert.DoesNotContain(opened.Pdus, p => p.DecryptionFailure is not null);
        Assert.Equal(new byte[48], opened.Secrets.PreMasterSecrets.Single().ToArray());
        string[] types = session.GetProperty("pdus").EnumerateArray().Select(p => p.GetProperty("msg_type").GetString()!).ToArray();
        if (types.Contains("PLATFORM_CHALLENGE"))
        {
            // [MS-RDPELE] Windows challenges with "TEST\0" in UTF-16.
            Assert.Contains("PLATFORM_CHALLENGE: a 10-byte challenge (54004500530054000000), MAC verified", opened.Revealed);
        }

        Assert.Contains(opened.Revealed, r => r.Contains(": HWID ", StringComparison.Ordinal) && r.EndsWith("MAC verified", StringComparison.Ordinal));
        if (types.Contains("NEW_LICENSE"))
        {
            string cal = Assert.Single(opened.Revealed, r => r.StartsWith("the CAL NEW_LICENSE carries", StringComparison.Ordinal));
            Assert.Contains("A02-6.02-S (permanent)", cal, StringComparison.Ordinal);
            using JsonDocument licenses = JsonDocument.Parse(File.ReadAllText(SharedFile("stored-licenses.json")));
            JsonElement stored = licenses.RootElement.EnumerateArray().First(l => l.GetProperty("also_delivered_in").EnumerateArray().Any(d => d.GetProperty("source_path").GetString() == sourcePath) || l.GetProperty("source_path").GetString() == sourcePath);
            foreach (string part in stored.GetProperty("subject").GetString()!.Split(", ").Where(p => p.StartsWith("CN=", StringComparison.Ordinal) || p.StartsWith("L=", StringComparison.Ordinal)))
            {
                Assert.Contains(part[(part.IndexOf('=') + 1)..], cal, StringComparison.Ordinal);
            }

            string notBefore = stored.GetProperty("not_before").GetString()!;
            Assert.Contains($"valid 20{notBefore[..2]}-{notBefore[2..4]}-{notBefore[4..6]}", cal, StringComparison.Ordinal);
        }
    }

    private static ReplayExchange WindowsExchange(string sourcePath, out JsonElement session)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(SharedFile("windows-licensing.json")));
        session = json.RootElement.EnumerateArray().First(s => s.GetProperty("source_path").GetString() == sourcePath && !s.GetProperty("historical_version").GetBoolean()).Clone();
        var pdus = new List<ReplayPdu>();
        var randoms = new List<ReadOnlyMemory<byte>>();
        foreach (JsonElement pdu in session.GetProperty("pdus").EnumerateArray())
        {
            byte[] bytes = Convert.FromHexString(pdu.GetProperty("security_header_hex").GetString() + pdu.GetProperty("hex").GetString());
            bool fromClient = pdu.GetProperty("direction").GetString() == "client->server";
            pdus.Add(new ReplayPdu(fromClient ? CaptureDirection.ClientToServer : CaptureDirection.ServerToClient, bytes));
            if (fromClient && pdu.GetProperty("fields").TryGetProperty("ClientRandom", out JsonElement random))
            {
                randoms.Add(Convert.FromHexString(random.GetString()!));
            }
        }

        string? gcc = session.TryGetProperty("gcc_server_certificate_hex", out JsonElement certificate) && certificate.ValueKind == JsonValueKind.String ? certificate.GetString() : null;
        var secrets = new ReplaySecrets { ClientRandoms = randoms, GccServerCertificate = gcc is null ? ReadOnlyMemory<byte>.Empty : Convert.FromHexString(gcc) };
        return new ReplayExchange(sourcePath, sourcePath, pdus, secrets, fromCapture: true);
    }
}
