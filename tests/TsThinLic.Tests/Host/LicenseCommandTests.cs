using System.Text.Json;
using TsThinLic.Host;
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
        JsonElement cal = json.GetProperty("cal");
        Assert.Equal("A02-6.00-S", cal.GetProperty("licenseId").GetString());
        Assert.True(cal.GetProperty("temporary").GetBoolean());
        Assert.Equal("TC-0042", cal.GetProperty("issuedToMachine").GetString());
        Assert.Equal("alice", cal.GetProperty("issuedToUser").GetString());
        Assert.True(cal.GetProperty("hwidMatchesDevice").GetBoolean());
        Assert.InRange(cal.GetProperty("daysLeft").GetInt32(), 89, 90); // a temporary CAL: 90 days, less the seconds since it was minted
    }

    [Fact]
    public async Task TextSaysTheOutcomeFirstThenEachPdu()
    {
        var plain = new DoctorEnvironment { Terminal = TerminalStyle.Plain };
        var (exitCode, output, _) = await HostRunner.RunAsync(plain, "license", "--store", "memory");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("Licensed: temporary CAL A02-6.00-S issued by TSTHINLIC-LS, valid until ", output, StringComparison.Ordinal);
        Assert.Contains("server -> client  LICENSE_REQUEST", output, StringComparison.Ordinal);
        Assert.Contains("client -> server  PLATFORM_CHALLENGE_RESPONSE", output, StringComparison.Ordinal);
        Assert.Contains("exchange took ", output, StringComparison.Ordinal);

        // A memory store has nothing to say about itself: no store block.
        Assert.DoesNotContain("findings", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Store ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerboseJsonLogsTheExchangeWithoutKeyMaterialOrTheHwid()
    {
        var (exitCode, output, error) = await HostRunner.RunAsync("license", "--store", "memory", "--json", "--verbose", "--log-format", "json");

        Assert.Equal(0, exitCode);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("eventId").GetInt32() == 100);
        Assert.Contains(events, e => e.GetProperty("eventId").GetInt32() == 103 && e.GetProperty("level").GetString() == "Information");
        string hwid = JsonDocument.Parse(output).RootElement.GetProperty("cal").GetProperty("hwid").GetString()!;
        Assert.DoesNotContain(hwid, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(hwid[8..], error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task QuietByDefault()
    {
        var (exitCode, _, error) = await HostRunner.RunAsync("license", "--store", "memory", "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task AnUnknownStoreCannotRun()
    {
        var (exitCode, _, error) = await HostRunner.RunAsync("license", "--store", "nowhere");

        Assert.Equal(2, exitCode);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
    }
}
