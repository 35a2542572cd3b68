using System.Text.Json;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary><c>tsthinlic license</c>, the main job, against the built-in emulated license server.</summary>
public sealed class LicenseCommandTests
{
    [Fact]
    public async Task JsonReportsAnIssuedLicenseAndEveryPdu()
    {
        var (exitCode, output, error) = await HostRunner.RunAsync("license", "--store", "memory", "--json", "--user", "alice", "--machine", "TC-0042");

        Assert.True(exitCode == 0, error + output);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("license-issued", json.GetProperty("outcome").GetString());
        Assert.Equal(
            ["server:LICENSE_REQUEST", "client:NEW_LICENSE_REQUEST", "server:PLATFORM_CHALLENGE", "client:PLATFORM_CHALLENGE_RESPONSE", "server:NEW_LICENSE"],
            json.GetProperty("pdus").EnumerateArray().Select(p => $"{p.GetProperty("direction").GetString()}:{p.GetProperty("messageType").GetString()}"));
        Assert.False(json.TryGetProperty("error", out _));
        Assert.Equal("A02", json.GetProperty("storedLicense").GetProperty("productId").GetString());
        Assert.True(json.GetProperty("hwid").GetProperty("created").GetBoolean());
    }

    [Fact]
    public async Task TextShowsEachPduAsItGoesAndTheOutcome()
    {
        var (exitCode, output, _) = await HostRunner.RunAsync("license", "--store", "memory");

        Assert.Equal(0, exitCode);
        Assert.Contains("server → client  LICENSE_REQUEST", output, StringComparison.Ordinal);
        Assert.Contains("client → server  PLATFORM_CHALLENGE_RESPONSE", output, StringComparison.Ordinal);
        Assert.Contains("outcome: license-issued", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownStoreCannotRun()
    {
        var (exitCode, _, error) = await HostRunner.RunAsync("license", "--store", "nowhere");

        Assert.Equal(2, exitCode);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
    }
}
