using System.Text.Json;
using System.Xml.Linq;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary><c>tsthinlic replay</c> and <c>tsthinlic capture-to-transcript</c>, run in-process.</summary>
public sealed class ReplayCommandTests
{
    private static string Fixtures(string path) => Path.Combine(AppContext.BaseDirectory, "fixtures", path);

    [Fact]
    public async Task WholeCorpusPassesWithExitCodeZero()
    {
        var (exitCode, output, error) = await HostRunner.RunAsync("replay", Fixtures("captures"), Fixtures("transcripts"));
        Assert.True(exitCode == 0, output + error);
        Assert.Contains(" 0 failed, 0 unsupported", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShellGlobOverTheCapturesFolderPasses()
    {
        // What `tsthinlic replay fixtures/captures/*` hands over: the captures, the README and the script.
        string[] files = Directory.GetFiles(Fixtures("captures")).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains(files, f => f.EndsWith("README.md", StringComparison.Ordinal));
        var (exitCode, output, error) = await HostRunner.RunAsync(["replay", .. files]);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("4 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("skipped: not a pcap", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonListsExchangesWithVerdictsPerPdu()
    {
        var (exitCode, output, _) = await HostRunner.RunAsync("replay", "--json", Fixtures("captures"));
        Assert.Equal(0, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement exchanges = json.RootElement.GetProperty("exchanges");
        // FreeRDP's four licensing captures against xrdp at the top; the probe's own captures (fixtures/captures/probe),
        // the keyed ones (fixtures/captures/keyed, which open without keys as far as they can) and the real clients' and
        // the probe's against serve (fixtures/captures/serve) come too.
        Assert.Equal(4, exchanges.EnumerateArray().Count(e => e.GetProperty("file").GetString() is { } file
            && !file.Contains("probe", StringComparison.Ordinal) && !file.Contains("keyed", StringComparison.Ordinal) && !file.Contains("/serve/", StringComparison.Ordinal)));
        Assert.Contains(exchanges.EnumerateArray(), e => e.GetProperty("file").GetString()!.Contains("/serve/", StringComparison.Ordinal));
        Assert.True(exchanges.GetArrayLength() > 4);
        foreach (JsonElement exchange in exchanges.EnumerateArray())
        {
            Assert.EndsWith(".pcapng", exchange.GetProperty("file").GetString(), StringComparison.Ordinal);
            Assert.Equal("pass", exchange.GetProperty("verdict").GetString());
            foreach (JsonElement pdu in exchange.GetProperty("pdus").EnumerateArray())
            {
                Assert.Contains(pdu.GetProperty("direction").GetString(), new[] { "server", "client" });
                Assert.False(string.IsNullOrEmpty(pdu.GetProperty("messageType").GetString()));
                Assert.Contains(pdu.GetProperty("verdict").GetString(), new[] { "pass", "fail", "unsupported" });
            }
        }

        JsonElement tls = json.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString()!.EndsWith("/xrdp-tls.pcapng", StringComparison.Ordinal));
        Assert.Contains("TLS", tls.GetProperty("notices")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JUnitHasATestCasePerExchangeAndTheFailure()
    {
        string edited = Path.Combine(Path.GetTempPath(), $"tsthinlic-junit-{Environment.ProcessId}.pcapng");
        string junit = Path.Combine(Path.GetTempPath(), $"tsthinlic-junit-{Environment.ProcessId}.xml");
        try
        {
            File.WriteAllBytes(edited, ReplayMismatchTests.EditedCapture(out _));
            var (exitCode, _, _) = await HostRunner.RunAsync("replay", "--junit", junit, Fixtures("transcripts"), edited);
            Assert.Equal(1, exitCode);
            XDocument document = XDocument.Load(junit);
            var cases = document.Descendants("testcase").ToList();
            Assert.Equal(Directory.GetFiles(Fixtures("transcripts"), "*.transcript").Length + 1, cases.Count);
            XElement failure = Assert.Single(document.Descendants("failure"));
            Assert.Contains("PreferredKeyExchangeAlg", failure.Attribute("message")!.Value, StringComparison.Ordinal);
            Assert.Equal("1", document.Root!.Attribute("failures")!.Value);
        }
        finally
        {
            File.Delete(edited);
            File.Delete(junit);
        }
    }

    [Fact]
    public async Task TlsOnlyCaptureIsNotAPass()
    {
        var (exitCode, output, _) = await HostRunner.RunAsync("replay", Fixtures("captures/xrdp-tls.pcapng"));
        Assert.Equal(1, exitCode);
        Assert.Contains("TLS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GarbageFileCannotRun()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tsthinlic-garbage-{Environment.ProcessId}.pcap");
        try
        {
            File.WriteAllBytes(path, [0xd4, 0xc3, 0xb2, 0xa1, 1, 2, 3]);
            var (exitCode, _, error) = await HostRunner.RunAsync("replay", path);
            Assert.Equal(2, exitCode);
            Assert.Contains("pcap global header", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CaptureToTranscriptReplaysLikeTheCapture()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tsthinlic-converted-{Environment.ProcessId}.transcript");
        try
        {
            var (exitCode, _, error) = await HostRunner.RunAsync("capture-to-transcript", Fixtures("captures/xrdp-rdp-none-cal.pcapng"), "--output", path);
            Assert.True(exitCode == 0, error);
            string text = File.ReadAllText(path);
            Assert.Contains("origin capture", text, StringComparison.Ordinal);
            Assert.Contains("stored-cal 0x", text, StringComparison.Ordinal);
            Assert.Contains("platform-id 0x04010000", text, StringComparison.Ordinal);
            var (replayExit, output, _) = await HostRunner.RunAsync("replay", path);
            Assert.True(replayExit == 0, output);
            Assert.Contains("LICENSE_INFO", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
