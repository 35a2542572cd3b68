using System.Text.Json;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary><c>tsthinlic store verify | wipe</c>.</summary>
public sealed class StoreCommandTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    [Fact]
    public async Task VerifyReportsEachRecordAndFailsOnCorruption()
    {
        string path = Path.Combine(_directory, "licenses.store");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "file:" + path)).ExitCode);

        var (exit, output, _) = await HostRunner.RunAsync("store", "verify", "--store", "file:" + path, "--json");
        Assert.Equal(0, exit);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.True(root.GetProperty("healthy").GetBoolean());
        Assert.Equal(1, root.GetProperty("licenses").GetInt32());

        byte[] bytes = File.ReadAllBytes(path);
        bytes[30] ^= 1;
        File.WriteAllBytes(path, bytes);
        var (corruptExit, corrupt, _) = await HostRunner.RunAsync("store", "verify", "--store", "file:" + path);
        Assert.Equal(1, corruptExit);
        Assert.Contains("Corrupt", corrupt, StringComparison.Ordinal);
        Assert.Contains("CRC-32", corrupt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOfARegFileJudgesNoAclItDoesNotCarry()
    {
        // A .reg export keeps no ACL: a healthy one is healthy (it was "SYSTEM lacks Full Control", exit 1).
        string path = Path.Combine(_directory, "mslicensing.reg");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "reg:" + path)).ExitCode);

        var (exit, output, error) = await HostRunner.RunAsync("store", "verify", "--store", "reg:" + path, "--json");

        Assert.True(exit == 0, error + output);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.True(root.GetProperty("healthy").GetBoolean());
        Assert.DoesNotContain(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("record").GetString()!.EndsWith("ACL", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WipeThenLicenseAfresh(bool licensesOnly)
    {
        string store = "flash:" + Path.Combine(_directory, "store.img");
        var first = JsonDocument.Parse((await HostRunner.RunAsync("license", "--store", store, "--json")).Output).RootElement;

        string[] wipe = licensesOnly ? ["store", "wipe", "--store", store, "--licenses-only"] : ["store", "wipe", "--store", store];
        Assert.Equal(0, (await HostRunner.RunAsync(wipe)).ExitCode);
        var after = JsonDocument.Parse((await HostRunner.RunAsync("license", "--store", store, "--json")).Output).RootElement;

        Assert.Equal("license-issued", after.GetProperty("outcome").GetString());
        // A full wipe makes a new HWID on this exchange; a wipe of CALs keeps it.
        Assert.Equal(!licensesOnly, after.GetProperty("hwid").GetProperty("created").GetBoolean());
        Assert.Equal(licensesOnly, first.GetProperty("hwid").GetProperty("fingerprint").GetString() == after.GetProperty("hwid").GetProperty("fingerprint").GetString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
