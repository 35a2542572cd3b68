using System.Text.Json;
using TsThinLic.Host;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary><c>tsthinlic license</c> with persistent stores: the second run presents the stored CAL.</summary>
public sealed class LicenseCommandStoreTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    private static string[] PduNames(string json)
        => JsonDocument.Parse(json).RootElement.GetProperty("pdus").EnumerateArray()
            .Select(p => $"{p.GetProperty("direction").GetString()}:{p.GetProperty("messageType").GetString()}").ToArray();

    public static TheoryData<string> Stores() => ["file", "flash", "reg"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RunningTwicePresentsTheStoredCal(string kind)
    {
        string store = $"{kind}:{Path.Combine(_directory, "state", kind == "reg" ? "mslicensing.reg" : "store.bin")}";

        var (firstExit, first, firstError) = await HostRunner.RunAsync("license", "--store", store, "--json");
        var (secondExit, second, secondError) = await HostRunner.RunAsync("license", "--store", store, "--json");

        Assert.True(firstExit == 0, firstError + first);
        Assert.True(secondExit == 0, secondError + second);
        Assert.Equal("license-issued", JsonDocument.Parse(first).RootElement.GetProperty("outcome").GetString());
        Assert.DoesNotContain("client:LICENSE_INFO", PduNames(first));
        Assert.Contains("client:LICENSE_INFO", PduNames(second));
        JsonElement root = JsonDocument.Parse(second).RootElement;
        Assert.False(root.GetProperty("hwid").GetProperty("created").GetBoolean());
        Assert.Equal("A02", root.GetProperty("presentedLicense").GetProperty("productId").GetString());
        Assert.Equal(kind, root.GetProperty("store").GetProperty("kind").GetString());
        Assert.False(root.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task AProfilePicksTheStoreAndThePlatformId()
    {
        string profile = Path.Combine(_directory, "device.json");
        string template = File.ReadAllText(Path.Combine(StoreTestKit.RepositoryRoot(), "hardware", "winbond-w25q128jv-spi-nor.json"));
        string image = Path.Combine(_directory, "nor.img").Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(profile, template
            .Replace("/var/lib/tsthinlic/w25q128-store.img", image, StringComparison.Ordinal)
            .Replace("\"offset\": 16646144", "\"offset\": 0", StringComparison.Ordinal)
            .Replace("\"platformId\": \"0x04010000\"", "\"platformId\": \"0x04020000\"", StringComparison.Ordinal));

        var (exit, output, error) = await HostRunner.RunAsync("license", "--profile", profile, "--json");
        var (_, again, _) = await HostRunner.RunAsync("license", "--profile", profile, "--json");

        Assert.True(exit == 0, error + output);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("flash", root.GetProperty("store").GetProperty("kind").GetString());
        Assert.Equal("winbond-w25q128jv-spi-nor", root.GetProperty("store").GetProperty("profile").GetString());
        Assert.Equal("0x04020000", root.GetProperty("hwid").GetProperty("platformId").GetString());
        Assert.Equal(131072, new FileInfo(Path.Combine(_directory, "nor.img")).Length);
        Assert.Contains("client:LICENSE_INFO", PduNames(again));
    }

    [Fact]
    public async Task ACorruptStoreIsReportedAndLicensedAfresh()
    {
        string path = Path.Combine(_directory, "licenses.store");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "file:" + path, "--json")).ExitCode);
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        File.Delete(path + ".prev");

        var (exit, output, error) = await HostRunner.RunAsync("license", "--store", "file:" + path, "--json");

        Assert.True(exit == 0, error + output);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("license-issued", root.GetProperty("outcome").GetString());
        Assert.False(root.GetProperty("store").GetProperty("healthy").GetBoolean());
        Assert.Contains(root.GetProperty("store").GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "Corrupt");
    }

    [Theory]
    [InlineData("registry:x", "unknown store")]
    [InlineData("flash:", "unknown store")]
    public async Task BadStoresCannotRun(string store, string expected)
    {
        var (exit, _, error) = await HostRunner.RunAsync("license", "--store", store);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingOrBrokenProfileCannotRun()
    {
        string broken = Path.Combine(_directory, "broken.json");
        File.WriteAllText(broken, "{");

        Assert.Equal(2, (await HostRunner.RunAsync("license", "--profile", Path.Combine(_directory, "none.json"))).ExitCode);
        var (exit, _, error) = await HostRunner.RunAsync("license", "--profile", broken);
        Assert.Equal(2, exit);
        Assert.Contains("not a device profile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultIsAFileUnderTheUsersStateDirectory()
    {
        string path = StoreSelection.DefaultFilePath();

        Assert.EndsWith(Path.Combine("tsthinlic", "licenses.store"), path, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(path));
        string? xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        Assert.StartsWith(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state") : xdg, path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnLinuxTheRegistryStoreSaysToUseARegFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (exit, _, error) = await HostRunner.RunAsync("license", "--store", "registry");

        Assert.Equal(2, exit);
        Assert.Contains("reg:FILE.reg", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
