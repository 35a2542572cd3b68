using System.Text.Json;
using TsThinLic.Rdp.Connection;
using TsThinLic.Replay;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>
/// The probe's captures of our own client against xrdp, with the secrets it recorded beside them: <c>tsthinlic
/// replay</c> rebuilds every client licensing PDU byte for byte (issue: captures of our own client replay byte-exact).
/// </summary>
public sealed class ProbeCaptureReplayTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "probe");

    [Fact]
    public async Task EveryStandardSecurityCaptureReplaysByteExact()
    {
        var (exitCode, output, error) = await HostRunner.RunAsync("replay", "--json", Folder);

        Assert.True(exitCode == 0, error + output);
        JsonElement exchanges = JsonDocument.Parse(output).RootElement.GetProperty("exchanges");
        Assert.Equal(4, exchanges.GetArrayLength()); // none, low, high, fips; the TLS capture cannot be opened
        foreach (JsonElement exchange in exchanges.EnumerateArray())
        {
            Assert.Equal("pass", exchange.GetProperty("verdict").GetString());
            Assert.Contains("byte-exact", exchange.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ASecretsFileIsFoundBesideItsCapture()
    {
        string capture = Path.Combine(Folder, "probe-xrdp-rdp-none.pcapng");

        Assert.True(ProbeSecretsFile.TryReadSibling(capture, out ReplaySecrets? secrets, out string? problem), problem);
        Assert.True(secrets!.AllowsByteExactReplay);
        Assert.Equal("probe", secrets.UserName);
        Assert.Single(secrets.ClientRandoms);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"format\":\"other\"}")]
    [InlineData("{\"format\":\"tsthinlic-probe-secrets/1\",\"hwid\":\"00\"}")]
    [InlineData("{\"format\":\"tsthinlic-probe-secrets/1\",\"hwid\":\"zz\"}")]
    [InlineData("not json")]
    public void ABadSecretsFileIsRefusedNotThrown(string json)
        => Assert.False(ProbeSecrets.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out _));
}
