using System.Text.Json;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary><c>tsthinlic show</c>: the TSCTST view of what the store holds.</summary>
public sealed class ShowCommandTests
{
    [Fact]
    public async Task ShowsTheCalTheMainJobStoredAndThatItBelongsToTheDevice()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tsthinlic-show-{Environment.ProcessId}-{Guid.NewGuid():n}.store");
        try
        {
            var (licenseExit, licenseOutput, licenseError) = await HostRunner.RunAsync("license", "--store", "file:" + path, "--json", "--user", "alice", "--machine", "TC-0042");
            Assert.True(licenseExit == 0, licenseError + licenseOutput);

            var (exitCode, output, error) = await HostRunner.RunAsync("show", "--store", "file:" + path, "--json");

            Assert.True(exitCode == 0, error);
            JsonElement json = JsonDocument.Parse(output).RootElement;
            string hwid = json.GetProperty("hwid").GetString()!;
            Assert.Equal(40, hwid.Length);
            JsonElement license = Assert.Single(json.GetProperty("licenses").EnumerateArray().ToList());
            Assert.Equal("A02-6.00-S", license.GetProperty("licenseId").GetString());
            Assert.True(license.GetProperty("temporary").GetBoolean());
            Assert.Equal("TSTHINLIC-LS", license.GetProperty("issuer").GetString());
            Assert.Equal("microsoft.com", license.GetProperty("scope").GetString());
            Assert.Equal("TC-0042", license.GetProperty("issuedToMachine").GetString());
            Assert.Equal("alice", license.GetProperty("issuedToUser").GetString());
            Assert.Equal(hwid, license.GetProperty("hwid").GetString());
            Assert.True(license.GetProperty("hwidMatchesDevice").GetBoolean());
            Assert.InRange(license.GetProperty("daysLeft").GetInt32(), 89, 90);
            Assert.Equal("A02", license.GetProperty("storeKey").GetProperty("productId").GetString());
            Assert.Equal(6, license.GetProperty("productVersion").GetProperty("major").GetInt32());
            Assert.False(string.IsNullOrEmpty(license.GetProperty("validFrom").GetString()));
            Assert.False(string.IsNullOrEmpty(license.GetProperty("expiresOn").GetString()));
            Assert.Equal("00000-00000-00000-AA000", license.GetProperty("licenseServerId").GetString());
            Assert.Equal("0x04010000", license.GetProperty("platformId").GetString());
        }
        finally
        {
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task AnEmptyStoreHasNoHwidAndNoLicensesAndGetsNone()
    {
        var (exitCode, output, _) = await HostRunner.RunAsync("show", "--store", "memory", "--json");

        Assert.Equal(0, exitCode);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(string.Empty, json.GetProperty("hwid").GetString());
        Assert.Empty(json.GetProperty("licenses").EnumerateArray());
    }

    [Fact]
    public async Task ReadsARegExportOfMsLicensing()
    {
        string reg = Path.Combine(AppContext.BaseDirectory, "fixtures", "stores", "mslicensing-v1.reg");

        var (exitCode, output, error) = await HostRunner.RunAsync("show", "--reg", reg);

        Assert.True(exitCode == 0, error);
        // The export comes from another terminal: its HWID is another device's, which the view says under Store health.
        Assert.Contains("HWID:", output, StringComparison.Ordinal);
        Assert.Contains("Store health", output, StringComparison.Ordinal);
        Assert.Contains("the HWID was made on another device", output, StringComparison.Ordinal);
    }
}
