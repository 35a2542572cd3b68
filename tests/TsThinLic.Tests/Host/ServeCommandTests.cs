using System.Text.Json;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// `tsthinlic serve` as a field engineer runs it, in-process: our `license --server` twice against it, one JSON line per
/// connection, the pool's books in --state, the clock moved; and the arguments it refuses.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private static int s_port = (int.TryParse(Environment.GetEnvironmentVariable("TSTHINLIC_SERVE_TEST_PORT"), out int port) ? port : 46200) + 500;

    private readonly string _directory = Directory.CreateTempSubdirectory("tsthinlic-serve-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task TwoConnectionsLeaveTwoJsonLinesAndTheBooksInTheStateFile()
    {
        int port = Interlocked.Increment(ref s_port);
        string log = Path.Combine(_directory, "serve.jsonl");
        string state = Path.Combine(_directory, "state.json");
        string store = "file:" + Path.Combine(_directory, "device.store");
        Task<(int ExitCode, string Output, string Error)> serve = HostRunner.RunAsync("serve", "--listen", $"127.0.0.1:{port}", "--security", "rdp", "--encryption", "fips",
            "--pool", "1", "--state", state, "--json-log", log, "--now", "2030-01-15T10:00:00Z", "--exit-after", "3");
        await WaitForListener(port);

        var first = await HostRunner.RunAsync("license", "--server", $"127.0.0.1:{port}", "--store", store, "--json");
        var second = await HostRunner.RunAsync("license", "--server", $"127.0.0.1:{port}", "--store", store, "--json");
        (int exitCode, _, string error) = await serve.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, exitCode);
        Assert.Contains("listening on 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Contains("clock 2030-01-15T10:00", error, StringComparison.Ordinal);
        // Three lines: the test's own "is it listening" connection (closed at once), then the two exchanges.
        string[] lines = File.ReadAllLines(log);
        Assert.Equal(3, lines.Length);
        using JsonDocument probe = JsonDocument.Parse(lines[0]);
        Assert.Equal("ConnectionClosed", probe.RootElement.GetProperty("failure").GetProperty("reason").GetString());
        using JsonDocument one = JsonDocument.Parse(lines[1]);
        using JsonDocument two = JsonDocument.Parse(lines[2]);
        Assert.Equal("ENCRYPTION_METHOD_FIPS", one.RootElement.GetProperty("encryptionMethod").GetString());
        Assert.Equal("license-issued", one.RootElement.GetProperty("licensing").GetProperty("outcome").GetString());
        Assert.StartsWith("2030-01-15", one.RootElement.GetProperty("licensing").GetProperty("issued").GetProperty("notBefore").GetString(), StringComparison.Ordinal);
        Assert.Equal("license-upgraded", two.RootElement.GetProperty("licensing").GetProperty("outcome").GetString());
        Assert.Equal(one.RootElement.GetProperty("licensing").GetProperty("hwid").GetString(), two.RootElement.GetProperty("licensing").GetProperty("hwid").GetString());
        using JsonDocument books = JsonDocument.Parse(File.ReadAllBytes(state));
        JsonElement license = Assert.Single(books.RootElement.GetProperty("licenses").EnumerateArray());
        Assert.False(license.GetProperty("temporary").GetBoolean());
    }

    [Theory]
    [InlineData("--listen", "localhost:3389", "--listen must be ADDRESS:PORT")]
    [InlineData("--listen", "127.0.0.1:70000", "--listen must be ADDRESS:PORT")]
    [InlineData("--now", "yesterday", "--now must be an ISO 8601 date")]
    [InlineData("--pool", "-1", "--pool must be 0 to 1000000")]
    [InlineData("--script", "/nonexistent/script.json", "--script:")]
    public async Task UnusableArgumentsExitWithTwoAndSayWhy(string option, string value, string message)
    {
        var (exitCode, _, error) = await HostRunner.RunAsync("serve", option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NowAndDaysOffsetTogetherAreRefused()
    {
        var (exitCode, _, error) = await HostRunner.RunAsync("serve", "--now", "2030-01-01", "--days-offset", "3");

        Assert.Equal(2, exitCode);
        Assert.Contains("give one", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADamagedStateFileIsRefusedAndLeftAsItWas()
    {
        string state = Path.Combine(_directory, "state.json");
        File.WriteAllText(state, "{ not json");

        var (exitCode, _, error) = await HostRunner.RunAsync("serve", "--listen", $"127.0.0.1:{Interlocked.Increment(ref s_port)}", "--state", state);

        Assert.Equal(2, exitCode);
        Assert.Contains("--state: not JSON", error, StringComparison.Ordinal);
        Assert.Equal("{ not json", File.ReadAllText(state));
    }

    private static async Task WaitForListener(int port)
    {
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"serve did not listen on {port}");
    }
}
