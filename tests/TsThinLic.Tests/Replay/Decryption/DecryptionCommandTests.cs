using System.Text.Json;
using TsThinLic.Emulator;
using TsThinLic.Rdp.Security;
using TsThinLic.Replay;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// <c>tsthinlic replay</c> and <c>capture-to-transcript</c> with <c>--keylog</c>, <c>--server-key</c> and
/// <c>--license-key</c>: the keyed captures pass, what decryption reveals is printed, a decrypted capture becomes a
/// transcript that replays the same (byte for byte once the licensing key opened it), and a key file that is not one
/// stops the command.
/// </summary>
public sealed class DecryptionCommandTests
{
    private static string Keyed(string name) => KeyedCaptures.Path(name);

    [Fact]
    public async Task EveryKeyedCapturePassesWithItsKeys()
    {
        var (exit, output, error) = await HostRunner.RunAsync(
            "replay", "--json", KeyedCaptures.Folder,
            "--keylog", Keyed("freerdp-xrdp-tls13.keylog"), "--keylog", Keyed("probe-xrdp-tls12.keylog"), "--keylog", Keyed("openssl-tls-suites.keylog"),
            "--server-key", Keyed("xrdp-rsakeys.pem"));

        Assert.True(exit == 0, error + output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement exchanges = json.RootElement.GetProperty("exchanges");
        // Both TLS captures twice (key log file, DSB), the FreeRDP FIPS capture and the probe's three RDP captures.
        Assert.Equal(8, exchanges.GetArrayLength());
        Assert.All(exchanges.EnumerateArray(), e => Assert.Equal("pass", e.GetProperty("verdict").GetString()));
        Assert.True(json.RootElement.GetProperty("summary").GetProperty("allPassed").GetBoolean());
    }

    [Fact]
    public async Task WithoutKeysTheTlsCapturesGiveTheirNoticeAndTheExitCodeSaysSo()
    {
        var (exit, output, _) = await HostRunner.RunAsync("replay", Keyed("freerdp-xrdp-tls13.pcapng"), Keyed("probe-xrdp-tls12.pcapng"));

        Assert.Equal(1, exit);
        Assert.Contains("0 exchange(s) from 2 file(s)", output, StringComparison.Ordinal);
        Assert.Contains("cannot be inspected without the TLS secrets (--keylog FILE, SSLKEYLOGFILE", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--keylog")]
    [InlineData("--server-key")]
    [InlineData("--license-key")]
    public async Task AMissingKeyFileStopsTheCommand(string option)
    {
        var (exit, _, error) = await HostRunner.RunAsync("replay", Keyed("probe-xrdp-tls12.pcapng"), option, Keyed("no-such-file"));

        Assert.Equal(2, exit);
        Assert.Contains("no file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerKeyThatIsNoKeyStopsTheCommandWithTheReason()
    {
        var (exit, _, error) = await HostRunner.RunAsync("replay", Keyed("probe-xrdp-rdp-high.pcapng"), "--server-key", Keyed("probe-xrdp-tls12.keylog"));

        Assert.Equal(2, exit);
        Assert.Contains("--server-key", error, StringComparison.Ordinal);
        Assert.Contains("neither an xrdp rsakeys.ini", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyLogProblemsAreWarningsAndTheRestIsUsed()
    {
        string keyLog = Path.Combine(Path.GetTempPath(), $"tsthinlic-{Guid.NewGuid():N}.keylog");
        File.WriteAllText(keyLog, "NOT_A_LABEL 00 11\n\u001b[2J" + File.ReadAllText(Keyed("probe-xrdp-tls12.keylog")));
        try
        {
            var (exit, output, error) = await HostRunner.RunAsync("replay", Keyed("probe-xrdp-tls12.pcapng"), "--keylog", keyLog);

            Assert.Equal(1, exit); // line 2 was the CLIENT_RANDOM line with an escape sequence glued to it
            Assert.Contains("warning: key log", error, StringComparison.Ordinal);
            Assert.Contains("unknown label 'NOT_A_LABEL'", error, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", error + output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keyLog);
        }
    }

    [Fact]
    public async Task ADecryptedCaptureBecomesATranscriptThatReplaysTheSame()
    {
        string transcript = Path.Combine(Path.GetTempPath(), $"tsthinlic-{Guid.NewGuid():N}.transcript");
        try
        {
            var (exit, output, error) = await HostRunner.RunAsync("capture-to-transcript", Keyed("freerdp-xrdp-rdp-fips.pcapng"), "--server-key", Keyed("xrdp-rsakeys.ini"), "--output", transcript);
            Assert.True(exit == 0, error + output);
            string text = File.ReadAllText(transcript);
            Assert.Contains("# decrypted: decrypted (FIPS 3DES with HMAC-SHA1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("client-encrypted", text, StringComparison.Ordinal);

            ReplayExchangeResult fromCapture = ReplayRunner.Run(Assert.Single(KeyedCaptures.Load("freerdp-xrdp-rdp-fips.pcapng", KeyedCaptures.Keys(serverKeys: ["xrdp-rsakeys.ini"])).Exchanges));
            ReplayExchangeResult fromTranscript = ReplayRunner.Run(Assert.Single(ReplayInputLoader.Load(transcript).Exchanges));
            Assert.Equal(fromCapture.Pdus.Select(p => (p.MessageType, p.Verdict)), fromTranscript.Pdus.Select(p => (p.MessageType, p.Verdict)));
            Assert.Equal(ReplayVerdict.Pass, fromTranscript.Verdict);
        }
        finally
        {
            File.Delete(transcript);
        }
    }

    [Fact]
    public async Task ATlsCaptureBecomesATranscriptOfThePdusInsideTls()
    {
        var (exit, output, error) = await HostRunner.RunAsync("capture-to-transcript", Keyed("freerdp-xrdp-tls13.dsb.pcapng"));

        Assert.True(exit == 0, error + output);
        Assert.Contains("# decrypted: inside TLS 1.3", output, StringComparison.Ordinal);
        Assert.Equal(ReplayVerdict.Pass, ReplayRunner.Run(Assert.Single(ReplayInputLoader.Load("t.transcript", System.Text.Encoding.UTF8.GetBytes(output)).Exchanges)).Verdict);
    }

    [Fact]
    public async Task TheLicensingKeyRevealsTheHwidAndTheCalAndMakesTheTranscriptByteExact()
    {
        // A capture of the emulated license server (its key is the emulator's), licensing in clear on the wire.
        ReplayExchange recorded = Assert.Single(ReplayInputLoader.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", "new-license-with-challenge.transcript")).Exchanges);
        string directory = Path.Combine(Path.GetTempPath(), $"tsthinlic-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        string capture = Path.Combine(directory, "emulator.pcap");
        string key = Path.Combine(directory, "emulator-rsakeys.ini");
        string transcript = Path.Combine(directory, "emulator.transcript");
        File.WriteAllBytes(capture, LicensingCapture.Write(recorded));
        File.WriteAllText(key, RsaPrivateKeyFile.WriteRsaKeysIni(EmulatorKeys.Proprietary2048));
        try
        {
            var (exit, output, error) = await HostRunner.RunAsync("replay", capture, "--license-key", key);
            Assert.True(exit == 0, error + output);
            Assert.Contains("(byte-exact)", output, StringComparison.Ordinal);
            Assert.Contains($"revealed: PLATFORM_CHALLENGE_RESPONSE: HWID {recorded.Secrets.HardwareId}", output, StringComparison.Ordinal);
            Assert.Contains("revealed: the CAL NEW_LICENSE carries: ", output, StringComparison.Ordinal);

            (exit, output, error) = await HostRunner.RunAsync("capture-to-transcript", capture, "--license-key", key, "--output", transcript);
            Assert.True(exit == 0, error + output);
            ReplayExchange converted = Assert.Single(ReplayInputLoader.Load(transcript).Exchanges);
            Assert.Equal(recorded.Secrets.HardwareId, converted.Secrets.HardwareId);
            Assert.Equal(recorded.Secrets.PreMasterSecrets.Single().ToArray(), converted.Secrets.PreMasterSecrets.Single().ToArray());
            ReplayExchangeResult result = ReplayRunner.Run(converted);
            Assert.Equal("byte-exact", result.Comparison);
            Assert.Equal(ReplayVerdict.Pass, result.Verdict);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
