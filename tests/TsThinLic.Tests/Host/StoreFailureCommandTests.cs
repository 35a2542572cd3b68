using System.Text.Json;
using TsThinLic.Host;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Issue 11 through the real commands: a damaged store is quarantined by <c>license</c> and said so by <c>show</c>,
/// <c>license</c> and <c>doctor</c>, its old HWID and CAL read back with <c>show --image</c> and <c>import --salvage</c>;
/// the read-only commands leave a flash image byte for byte as it was (a missing one is not created, a short one not
/// padded); and every file-system fault is exit 2 with the path and the system's words.
/// </summary>
public sealed class StoreFailureCommandTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private string PathOf(string name) => Path.Combine(_directory, name);

    public static TheoryData<string> Kinds() => ["file", "flash"];

    /// <summary>Licenses a fresh store, then damages every copy of it the way the hostile user did.</summary>
    private async Task<(string Argument, string Medium, string HwidFingerprint, byte[] Damaged)> DamagedStoreAsync(string kind)
    {
        string medium = PathOf(kind == "file" ? "licenses.store" : "store.img");
        string argument = $"{kind}:{medium}";
        var (exit, output, error) = await HostRunner.RunAsync("license", "--store", argument, "--json");
        Assert.True(exit == 0, error + output);
        string fingerprint = Json(output).GetProperty("hwid").GetProperty("fingerprint").GetString()!;
        byte[] bytes = File.ReadAllBytes(medium);
        if (kind == "file")
        {
            // One flipped bit and no previous generation.
            bytes[^30] ^= 0x08;
            File.Delete(medium + ".prev");
        }
        else
        {
            // Both slots fail their checks: slot A (the HWID alone), slot B (the HWID and the CAL).
            bytes[StoreEnvelope.HeaderLength + 4] ^= 0x08;
            bytes[(bytes.Length / 2) + StoreEnvelope.HeaderLength + 40] ^= 0x08;
        }

        File.WriteAllBytes(medium, bytes);
        return (argument, medium, fingerprint, bytes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ADamagedStoreIsShownAsDamagedThenQuarantinedByLicenseAndItsHwidAndCalComeBackBySalvage(string kind)
    {
        (string store, string medium, string oldHwid, byte[] damaged) = await DamagedStoreAsync(kind);

        // show: the damage, in text and JSON, exit 1, and nothing written.
        var (showExit, showOutput, _) = await HostRunner.RunAsync("show", "--store", store, "--json");
        Assert.Equal(HostApp.ExitProblem, showExit);
        JsonElement shown = Json(showOutput);
        Assert.Equal(string.Empty, shown.GetProperty("hwid").GetString());
        Assert.Contains("quarantine", shown.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Contains(shown.GetProperty("storeHealth").GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "Corrupt");
        var (_, showText, _) = await HostRunner.RunAsync("show", "--store", store);
        Assert.Contains("Damaged records read as absent", showText, StringComparison.Ordinal); // issue 15: the text view says so under Store health
        Assert.Equal(damaged, File.ReadAllBytes(medium));

        // license: keeps the damaged image, says so (output and a Warning even without --verbose), licenses afresh.
        var (licenseExit, licenseOutput, licenseError) = await HostRunner.RunAsync("license", "--store", store, "--json");
        Assert.True(licenseExit == 0, licenseError + licenseOutput);
        JsonElement licensed = Json(licenseOutput);
        Assert.True(licensed.GetProperty("hwid").GetProperty("created").GetBoolean());
        Assert.NotEqual(oldHwid, licensed.GetProperty("hwid").GetProperty("fingerprint").GetString());
        Assert.Contains("the store was damaged", licensed.GetProperty("warning").GetString(), StringComparison.Ordinal);
        string copy = licensed.GetProperty("store").GetProperty("quarantinedNow")[0].GetProperty("path").GetString()!;
        Assert.StartsWith(medium + ".quarantine" + Path.DirectorySeparatorChar, copy, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(copy));
        Assert.True(File.Exists(copy + ".txt"));
        Assert.Contains("[308]", licenseError, StringComparison.Ordinal);
        Assert.Contains(" warn ", licenseError, StringComparison.Ordinal);

        // show and doctor now point at the copy.
        var (afterExit, afterOutput, _) = await HostRunner.RunAsync("show", "--store", store, "--json");
        Assert.Equal(0, afterExit);
        Assert.Equal(copy, Json(afterOutput).GetProperty("storeHealth").GetProperty("quarantined")[0].GetProperty("path").GetString());
        var (_, doctorOutput, _) = await HostRunner.RunAsync("doctor", "--store", store, "--json");
        JsonElement corrupt = Json(doctorOutput).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "corrupt-records");
        Assert.Equal("warning", corrupt.GetProperty("verdict").GetString());
        Assert.Contains(copy, corrupt.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"tsthinlic show --image {copy}", corrupt.GetProperty("fix").GetString(), StringComparison.Ordinal);

        // The field engineer reads the old HWID and CAL out of the copy, and takes them back.
        var (imageExit, imageOutput, imageError) = await HostRunner.RunAsync("show", "--image", copy, "--json");
        Assert.True(imageExit == HostApp.ExitProblem, imageError);
        JsonElement image = Json(imageOutput);
        Assert.Equal(oldHwid, image.GetProperty("hwidFingerprint").GetString());
        Assert.False(image.GetProperty("image").GetProperty("intact").GetBoolean());
        Assert.Equal("A02-6.00-S", image.GetProperty("licenses")[0].GetProperty("licenseId").GetString());
        var (plainExit, _, plainError) = await HostRunner.RunAsync("import", copy, "--store", store, "--yes");
        Assert.Equal(HostApp.ExitCannotRun, plainExit);
        Assert.Contains("--salvage", plainError, StringComparison.Ordinal);
        var (salvageExit, salvageOutput, salvageError) = await HostRunner.RunAsync("import", copy, "--store", store, "--salvage", "--yes", "--json");
        Assert.True(salvageExit == 0, salvageError + salvageOutput);
        Assert.Contains(Json(salvageOutput).GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("salvaged from a damaged image", StringComparison.Ordinal));
        var (_, backOutput, _) = await HostRunner.RunAsync("show", "--store", store, "--json");
        Assert.Equal(oldHwid, Json(backOutput).GetProperty("hwidFingerprint").GetString());
    }

    public static TheoryData<string> ReadOnlyCommands() => ["show", "doctor", "store verify", "export", "hwid"];

    private string[] Arguments(string command, string store)
        => command switch
        {
            "store verify" => ["store", "verify", "--store", store],
            "export" => ["export", PathOf($"export-{Guid.NewGuid():n}.json"), "--store", store],
            _ => [command, "--store", store],
        };

    [Theory]
    [MemberData(nameof(ReadOnlyCommands))]
    public async Task AReadOnlyCommandNeitherCreatesNorPadsAFlashImage(string command)
    {
        // Missing: reported, not created (and no lock file, no directory).
        string missing = PathOf("sub/missing.img");
        var (_, _, _) = await HostRunner.RunAsync(Arguments(command, "flash:" + missing));
        Assert.False(File.Exists(missing));
        Assert.False(Directory.Exists(PathOf("sub")));

        // Short: a whole slot A and nothing after it; left exactly as it was.
        string shortImage = PathOf("short.img");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "flash:" + shortImage)).ExitCode);
        byte[] head = File.ReadAllBytes(shortImage)[..4096];
        File.WriteAllBytes(shortImage, head);
        File.Delete(shortImage + ".lock");
        var (_, output, error) = await HostRunner.RunAsync(Arguments(command, "flash:" + shortImage));
        Assert.Equal(head, File.ReadAllBytes(shortImage));
        Assert.False(File.Exists(shortImage + ".lock"));
        if (command is "show" or "store verify")
        {
            Assert.Contains("short of the partition's end", output + error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ShowAndStoreVerifyOnAMissingFlashImageSayItIsMissing()
    {
        string missing = PathOf("none.img");

        var (exit, output, _) = await HostRunner.RunAsync("store", "verify", "--store", "flash:" + missing, "--json");

        Assert.Contains(Json(output).GetProperty("findings").EnumerateArray(), f => f.GetProperty("detail").GetString()!.StartsWith("no image", StringComparison.Ordinal));
        Assert.False(File.Exists(missing));
        Assert.Equal(0, exit);
    }

    // ---- every file-system fault: exit 2, the path, the system's words, nothing left behind ----

    private static async Task AssertCannotRunAsync(string path, string words, params string[] args)
    {
        var (exit, output, error) = await HostRunner.RunAsync(args);
        Assert.True(exit == HostApp.ExitCannotRun, $"{string.Join(' ', args)}: exit {exit}\n{output}\n{error}");
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains(words, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("_Path", error, StringComparison.Ordinal);    // no resource key
    }

    [Theory]
    [InlineData("license")]
    [InlineData("show")]
    [InlineData("hwid")]
    public async Task AStorePathThatIsADirectoryIsExit2WithThePath(string command)
    {
        string directory = PathOf("a-directory");
        Directory.CreateDirectory(directory);

        await AssertCannotRunAsync(directory, "Is a directory", command, "--store", "file:" + directory);
        await AssertCannotRunAsync(directory, "Is a directory", command, "--store", "reg:" + directory);
        // What failed, why, and what to do (issue 15): the last part names the fix.
        await AssertCannotRunAsync(directory, "give --store the path of a store file", command, "--store", "file:" + directory);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(directory + ".tmp"));
    }

    [Theory]
    [InlineData("license")]
    [InlineData("show")]
    public async Task ASymbolicLinkLoopIsExit2WithThePath(string command)
    {
        string loop = PathOf("loop.store");
        File.CreateSymbolicLink(loop, loop);

        await AssertCannotRunAsync(loop, "Too many levels of symbolic links", command, "--store", "file:" + loop);
    }

    [Theory]
    [InlineData("license")]
    [InlineData("show")]
    [InlineData("wipe")]
    public async Task AParentThatIsAFileIsExit2WithThePath(string command)
    {
        string file = PathOf("not-a-directory");
        File.WriteAllText(file, "x");
        string store = Path.Combine(file, "licenses.store");

        string[] extra = command == "wipe" ? ["--yes"] : [];
        await AssertCannotRunAsync(file, "Not a directory", [command, "--store", "file:" + store, .. extra]);
        await AssertCannotRunAsync(file, "Not a directory", [command, "--store", "flash:" + store, .. extra]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AnUnreadableStoreIsExit2WithThePathAndPermissionDenied()
    {
        // Mode 000 stops only a non-root account. As root (CI), the real host runs as nobody through setpriv(1), on a
        // store in a directory nobody may enter: the OS refuses the open itself, no seam in between.
        string directory = PathOf("shared");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(_directory, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
        string store = Path.Combine(directory, "licenses.store");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "file:" + store)).ExitCode);
        File.SetUnixFileMode(store, UnixFileMode.None);

        if (HostProcess.EffectiveUserIsRoot)
        {
            foreach (string command in new[] { "show", "license" })
            {
                HostProcess.Result run = await HostProcess.RunAsNobodyAsync(command, "--store", "file:" + store);
                Assert.True(run.ExitCode == HostApp.ExitCannotRun, $"{command}: {run}");
                Assert.Contains(store, run.Error, StringComparison.Ordinal);
                Assert.Contains("Permission denied", run.Error, StringComparison.Ordinal);
                Assert.Contains("run it as the account the licensing client runs as", run.Error, StringComparison.Ordinal);
            }
        }
        else
        {
            await AssertCannotRunAsync(store, "Permission denied", "show", "--store", "file:" + store);
            await AssertCannotRunAsync(store, "Permission denied", "license", "--store", "file:" + store);
        }

        File.SetUnixFileMode(store, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Theory]
    [InlineData("rename", 28, "No space left on device", "/s/licenses.store")]
    [InlineData("rename", 24, "Too many open files", "/s/licenses.store")]
    [InlineData("fsync the directory", 5, "Input/output error", "fsync the directory /s:")]
    [InlineData("write", 28, "No space left on device", "/s/licenses.store.tmp")]
    public void AFileSystemThatRefusesAStepLeavesTheStoreAsItWasAndNoTemporaryFile(string step, int errno, string words, string path)
    {
        // Scripted file-system seam (FaultyFileSystem): the real disk cannot be made to fail on cue.
        var files = new FaultyFileSystem();
        var store = new FileLicenseStore("/s/licenses.store", files);
        store.Save(new Records.LicenseStoreUpdate(StoreTestKit.Hwid(1), StoreTestKit.License(StoreTestKit.KeyA, 1), null));
        Dictionary<string, byte[]> before = files.Snapshot();
        files.Refuse((operation, _) => operation == step ? errno : null);

        LicenseStoreException error = Assert.Throws<LicenseStoreException>(() => store.Save(new Records.LicenseStoreUpdate(null, StoreTestKit.License(StoreTestKit.KeyB, 2), null)));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(words, error.Message, StringComparison.Ordinal);
        Assert.IsType<FileFaultException>(error.InnerException);
        files.Refuse((_, _) => null);
        Assert.DoesNotContain("/s/licenses.store.tmp", files.Snapshot().Keys);
        Assert.True(StoreTestKit.SameContent(new FileLicenseStore("/s/licenses.store", new FaultyFileSystem(before)).Load(), new FileLicenseStore("/s/licenses.store", files).Load()));
    }

    [Fact]
    public async Task StandardOutputOnAFullDeviceIsExit2WithTheSystemsWords()
    {
        var full = new StreamWriter(new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1)) { AutoFlush = true };
        using var error = new StringWriter();

        int exit = await HostApp.RunAsync(["show", "--store", "memory"], TextReader.Null, full, error);
        try
        {
            full.Dispose();
        }
        catch (IOException)
        {
            // What the failed write left in the writer's buffer fails again on close.
        }

        Assert.Equal(HostApp.ExitCannotRun, exit);
        Assert.Contains("standard output", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.ToString(), StringComparison.Ordinal);
    }
}
