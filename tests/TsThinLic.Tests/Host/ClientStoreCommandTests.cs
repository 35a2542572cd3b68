using System.Text.Json;
using TsThinLic.Cal;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// The store kinds freerdp:DIR and rdesktop:DIR on the files FreeRDP 2.11 and rdesktop 1.9 wrote (fixtures/stores):
/// show decodes each CAL and says it matches the client's HWID recipe for its host name; import into a file store and
/// back is byte-identical; doctor flags what bites those clients.
/// </summary>
public sealed class ClientStoreCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tsthinlic-clientstore-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("freerdp", "freerdp-2.11")]
    [InlineData("rdesktop", "rdesktop-1.9")]
    public async Task ShowDecodesTheClientsCalAndMatchesItsRecipe(string kind, string fixture)
    {
        string store = CopyFixture(fixture);

        var (exitCode, output, error) = await HostRunner.RunAsync("show", "--store", $"{kind}:{store}", "--json");

        Assert.True(exitCode == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement file = Assert.Single(json.RootElement.GetProperty("clientFiles").EnumerateArray());
        Assert.Equal("qaclient", file.GetProperty("hostName").GetString());
        Assert.True(file.GetProperty("hwidMatchesRecipe").GetBoolean());
        JsonElement license = Assert.Single(json.RootElement.GetProperty("licenses").EnumerateArray());
        Assert.Equal("qaclient", license.GetProperty("issuedToMachine").GetString());
        Assert.True(license.GetProperty("hwidMatchesDevice").GetBoolean());
        Assert.Equal(kind == "freerdp" ? "0x04010000" : "0x00000002", license.GetProperty("platformId").GetString());
    }

    [Fact]
    public async Task ImportIntoAFileStoreAndBackIsByteIdentical()
    {
        string freerdp = CopyFixture("freerdp-2.11");
        string fileStore = "file:" + Path.Combine(_directory, "ours.store");
        string back = Path.Combine(_directory, "back");

        var into = await HostRunner.RunAsync("import", $"freerdp:{freerdp}", "--store", fileStore, "--adopt", "--yes", "--json");
        var shown = await HostRunner.RunAsync("show", "--store", fileStore, "--json");
        var returned = await HostRunner.RunAsync("import", Path.Combine(_directory, "ours.store"), "--store", $"freerdp:{back}", "--yes", "--json");

        Assert.True(into.ExitCode == 0, into.Output + into.Error);
        Assert.Contains("\"result\": \"imported\"", into.Output, StringComparison.Ordinal);
        // The device migrating to our store keeps its seat: the HWID it presents is FreeRDP's for "qaclient".
        using (JsonDocument json = JsonDocument.Parse(shown.Output))
        {
            Assert.Equal(Convert.ToHexStringLower(HardwareIdRecipes.FreeRdp("qaclient").ToArray()), json.RootElement.GetProperty("hwid").GetString());
            Assert.True(Assert.Single(json.RootElement.GetProperty("licenses").EnumerateArray()).GetProperty("hwidMatchesDevice").GetBoolean());
        }

        Assert.True(returned.ExitCode == 0, returned.Output + returned.Error);
        string name = HardwareIdRecipes.FreeRdpCalFileName("qaclient");
        Assert.Equal(File.ReadAllBytes(Path.Combine(freerdp, "licenses", name)), File.ReadAllBytes(Path.Combine(back, "licenses", name)));
    }

    [Fact]
    public async Task ABareCalFileImportsWithItsOwnHwid()
    {
        string freerdp = CopyFixture("freerdp-2.11");
        string cal = Path.Combine(freerdp, "licenses", HardwareIdRecipes.FreeRdpCalFileName("qaclient"));

        var (exitCode, output, error) = await HostRunner.RunAsync("import", cal, "--store", "file:" + Path.Combine(_directory, "one.store"), "--adopt", "--yes", "--json");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("\"format\": \"cal\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorFlagsALeftoverWriteAndWhatBitesTheClient()
    {
        string freerdp = CopyFixture("freerdp-2.11");
        File.WriteAllBytes(Path.Combine(freerdp, "licenses", HardwareIdRecipes.FreeRdpCalFileName("qaclient") + ".new"), [1, 2, 3]);

        var (exitCode, output, _) = await HostRunner.RunAsync("doctor", "--store", $"freerdp:{freerdp}", "--json");

        using JsonDocument json = JsonDocument.Parse(output);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("verdict").GetString());
        Assert.Equal("warning", checks["client-files"]);
        Assert.Equal("ok", checks["client-cal-recipe"]);
        Assert.Equal("warning", checks["client-one-cal-per-host"]);
        Assert.Equal("warning", checks["client-shared-hwid"]);
        Assert.Equal("ok", checks["cal-hwid"]);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task DoctorFindsACalThatMissesTheRecipe()
    {
        // rdesktop's CAL copied under FreeRDP's name for "qaclient": the HWID it was issued to is not FreeRDP's.
        string store = Path.Combine(_directory, "mixed");
        Directory.CreateDirectory(Path.Combine(store, "licenses"));
        string rdesktop = Path.Combine(StoreTestKit.RepositoryRoot(), "fixtures", "stores", "rdesktop-1.9", "licenses", HardwareIdRecipes.RdesktopCalFileName("qaclient"));
        File.Copy(rdesktop, Path.Combine(store, "licenses", HardwareIdRecipes.FreeRdpCalFileName("qaclient")));

        var (exitCode, output, _) = await HostRunner.RunAsync("doctor", "--store", $"freerdp:{store}", "--json");

        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Contains(json.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("id").GetString() == "client-cal-recipe" && c.GetProperty("verdict").GetString() == "problem");
        Assert.Equal(1, exitCode);
    }

    private string CopyFixture(string name)
    {
        string source = Path.Combine(StoreTestKit.RepositoryRoot(), "fixtures", "stores", name, "licenses");
        string target = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.Combine(target, "licenses"));
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, "licenses", Path.GetFileName(file)));
        }

        return target;
    }
}
