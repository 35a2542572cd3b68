using System.Diagnostics;
using System.Text.Json;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Host;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// <c>wipe</c>, <c>hwid</c>, <c>export</c> and <c>import</c> run as the field engineer runs them, against a file store,
/// a flash partition and a .reg of MSLicensing: healthy, corrupt, cloned, with an expired temporary CAL, with a CAL
/// issued to another HWID, and read-only. A wipe's backup must bring the store back byte for byte through import.
/// </summary>
public sealed class StoreMaintenanceCommandTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;
    private static readonly CalMinter s_minter = new(EmulatorKeys.Rsa2048, EmulatorKeys.Rsa512.PublicKey, "LS01", "00000-00000-00000-AA000", "contoso.local", s_now.AddYears(-2));
    private static readonly LicenseKey s_key = new(0x00060000, "contoso.local", "Microsoft Corporation", "A02");
    private static readonly LicenseKey s_key10 = new(0x000A0001, "contoso.local", "Microsoft Corporation", "A02");

    public static TheoryData<string> Kinds() => new() { "file", "flash", "reg" };

    /// <summary>A store of one kind in a fresh directory: the --store argument and the file that is its medium.</summary>
    private sealed class TestStore
    {
        public TestStore(string kind, string? directory = null)
        {
            Directory = directory ?? TempDirectory();
            Medium = System.IO.Path.Combine(Directory, kind switch { "file" => "licenses.store", "flash" => "partition.bin", _ => "mslicensing.reg" });
            Argument = kind + ":" + Medium;
        }

        public string Directory { get; }

        public string Medium { get; }

        public string Argument { get; }

        public DeviceFingerprint Device
        {
            get
            {
                Assert.True(StoreSelection.TryOpen(Argument, null, out StoreSelection? selection, out string error), error);
                using StoreSelection opened = selection!;
                return opened.Device;
            }
        }

        public void Fill(LicenseStoreContents contents)
        {
            Assert.True(StoreSelection.TryOpen(Argument, null, out StoreSelection? selection, out string error), error);
            using StoreSelection opened = selection!;
            opened.Store.ReplaceContents(contents);
        }

        public LicenseStoreContents Read()
        {
            Assert.True(StoreSelection.TryOpen(Argument, null, out StoreSelection? selection, out string error), error);
            using StoreSelection opened = selection!;
            return opened.Store.ReadContents();
        }

        public byte[] Bytes() => File.ReadAllBytes(Medium);

        public string Path(string name) => System.IO.Path.Combine(Directory, name);
    }

    private static StoredLicense Cal(LicenseKey key, ClientHardwareId hwid, bool temporary, DateTimeOffset notBefore, DateTimeOffset notAfter) => new(
        key,
        s_minter.Mint(new CalMintRequest { HardwareId = hwid, MachineName = "TC-0042", UserName = "alice", LicenseId = temporary ? "A02-6.00-S" : "A02-10.01-S", MajorVersion = 6, Temporary = temporary, NotBefore = notBefore, NotAfter = notAfter }),
        notBefore);

    /// <summary>A healthy device: its own HWID, a permanent CAL and an older temporary one for another version.</summary>
    private static LicenseStoreContents Healthy(DeviceFingerprint device, byte fill = 0x5A) => new(
        Hwid(fill),
        device,
        [Cal(s_key10, Hwid(fill), temporary: false, s_now.AddDays(-10), s_now.AddDays(70)), Cal(s_key, Hwid(fill), temporary: true, s_now.AddDays(-20), s_now.AddDays(70))]);

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AWipesBackupBringsTheStoreBackByteForByteThroughImport(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(store.Device));
        byte[] original = store.Bytes();
        var (exportExit, _, exportError) = await HostRunner.RunAsync("export", store.Path("before.json"), "--store", store.Argument);
        Assert.True(exportExit == 0, exportError);

        var (wipeExit, wipeOutput, wipeError) = await HostRunner.RunAsync("wipe", "--store", store.Argument, "--yes", "--backup", store.Path("backup"), "--json");

        Assert.True(wipeExit == 0, wipeError);
        JsonElement wiped = Json(wipeOutput);
        Assert.Equal("CALs and HWID", wiped.GetProperty("removed").GetString());
        Assert.Equal(HardwareIdFingerprint.Compute(Hwid(0x5A).ToArray()), wiped.GetProperty("hwidBefore").GetString());
        Assert.StartsWith("none", wiped.GetProperty("hwidAfter").GetString(), StringComparison.Ordinal);
        Assert.True(wiped.GetProperty("backup").GetProperty("restorable").GetBoolean());
        Assert.Equal(2, wiped.GetProperty("before").GetProperty("licenses").GetArrayLength());
        Assert.Equal(original, File.ReadAllBytes(store.Path("backup")));
        Assert.True(store.Read().IsEmpty);
        // Old and new HWID hashes are logged (the new one is made at the next connection).
        Assert.Contains("[800]", wipeError, StringComparison.Ordinal);
        Assert.Contains(HardwareIdFingerprint.Compute(Hwid(0x5A).ToArray()), wipeError, StringComparison.Ordinal);
        Assert.DoesNotContain(Hwid(0x5A).ToString(), wipeError, StringComparison.Ordinal);

        var (importExit, importOutput, importError) = await HostRunner.RunAsync("import", store.Path("backup"), "--store", store.Argument, "--json");

        Assert.True(importExit == 0, importError + importOutput);
        Assert.StartsWith("byte for byte", Json(importOutput).GetProperty("restoredAs").GetString(), StringComparison.Ordinal);
        Assert.Equal(original, store.Bytes());
        await HostRunner.RunAsync("export", store.Path("after.json"), "--store", store.Argument);
        Assert.Equal(File.ReadAllBytes(store.Path("before.json")), File.ReadAllBytes(store.Path("after.json")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WithoutConfirmationOrOnADryRunNothingIsTouchedAndNoBackupWritten(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(store.Device));
        byte[] original = store.Bytes();

        var (declined, _, declinedError) = await HostRunner.RunWithInputAsync("n\n", "wipe", "--store", store.Argument);
        var (noAnswer, _, _) = await HostRunner.RunAsync("hwid", "--regenerate", "--store", store.Argument);
        var (dryRun, dryOutput, _) = await HostRunner.RunAsync("wipe", "--store", store.Argument, "--dry-run", "--json");

        Assert.Equal(HostApp.ExitCannotRun, declined);
        Assert.Contains("[y/N]", declinedError, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", declinedError, StringComparison.Ordinal);
        Assert.Equal(HostApp.ExitCannotRun, noAnswer);
        Assert.Equal(HostApp.ExitOk, dryRun);
        Assert.Equal("CALs and HWID", Json(dryOutput).GetProperty("wouldRemove").GetString());
        Assert.Equal(original, store.Bytes());
        Assert.False(Directory.Exists(store.Path("backups")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConfirmedWipeOfOnlyTheCalsKeepsTheHwidAndWritesATimestampedBackup(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(store.Device));

        var (exitCode, output, error) = await HostRunner.RunWithInputAsync("yes\n", "wipe", "--cals-only", "--store", store.Argument, "--json");

        Assert.True(exitCode == 0, error);
        LicenseStoreContents after = store.Read();
        Assert.Equal(Hwid(0x5A), after.HardwareId);
        Assert.Empty(after.Licenses);
        string backup = Json(output).GetProperty("backup").GetProperty("path").GetString()!;
        Assert.Equal(store.Path("backups"), Path.GetDirectoryName(backup));
        Assert.Matches(@"tsthinlic-(file|flash|reg)-\d{8}T\d{6}Z\.(store|bin|reg)$", backup);
        Assert.True(LicenseStoreImage.TryRead(File.ReadAllBytes(backup), new TsThinLic.Storage.Flash.FlashGeometry(1, 4096), out _, out LicenseStoreContents saved, out _));
        Assert.Equal(2, saved.Licenses.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ACorruptStoreIsWipedAfterItsDamagedImageIsKeptForTheRecord(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(store.Device));
        Corrupt(kind, store.Medium);
        var (verifyBefore, _, _) = await HostRunner.RunAsync("store", "verify", "--store", store.Argument);
        Assert.Equal(HostApp.ExitProblem, verifyBefore);

        var (exitCode, output, error) = await HostRunner.RunAsync("wipe", "--store", store.Argument, "--yes", "--backup", store.Path("damaged"), "--json");

        Assert.True(exitCode == 0, error);
        Assert.True(File.Exists(store.Path("damaged")));
        var (verifyAfter, verifyOutput, _) = await HostRunner.RunAsync("store", "verify", "--store", store.Argument);
        Assert.True(verifyAfter == 0, verifyOutput);
        Assert.True(store.Read().IsEmpty);
        if (kind != "reg")
        {
            // The store file and the partition carry a CRC: the damaged image is kept, and import refuses it.
            Assert.False(Json(output).GetProperty("backup").GetProperty("restorable").GetBoolean());
            var (importExit, _, importError) = await HostRunner.RunAsync("import", store.Path("damaged"), "--store", store.Argument, "--yes");
            Assert.Equal(HostApp.ExitCannotRun, importExit);
            Assert.Contains("cannot be imported", importError, StringComparison.Ordinal);
            Assert.True(store.Read().IsEmpty);
        }
    }

    private static void Corrupt(string kind, string medium)
    {
        byte[] bytes = File.ReadAllBytes(medium);
        if (kind == "reg")
        {
            // A HWID of the wrong length: the registry store treats the record as corrupt.
            string text = TsThinLic.Storage.Registry.RegFile.Decode(bytes);
            int at = text.IndexOf("\"ClientHWID\"=hex:", StringComparison.Ordinal);
            Assert.True(at >= 0);
            text = text.Insert(at + "\"ClientHWID\"=hex:".Length, "00,");
            File.WriteAllBytes(medium, TsThinLic.Storage.Registry.RegFile.Encode(text));
            return;
        }

        bytes[200] ^= 0x10;
        File.WriteAllBytes(medium, bytes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ACloneIsNamedAndAdoptingItsExportBindsTheHwidToThisDevice(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(Fingerprint("the golden image's unit")));

        var (hwidExit, hwidOutput, _) = await HostRunner.RunAsync("hwid", "--store", store.Argument, "--json");
        var (showExit, showOutput, _) = await HostRunner.RunAsync("show", "--store", store.Argument, "--json");

        Assert.Equal(HostApp.ExitProblem, hwidExit);
        Assert.StartsWith("another device", Json(hwidOutput).GetProperty("madeOn").GetString(), StringComparison.Ordinal);
        // show reads it (exit 0: the store is not damaged) and says what it found.
        Assert.Equal(0, showExit);
        Assert.Contains(Json(showOutput).GetProperty("storeHealth").GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "Clone");
        Assert.Equal(string.Empty, Json(showOutput).GetProperty("hwid").GetString());

        await HostRunner.RunAsync("export", store.Path("clone.json"), "--store", store.Argument);
        var fresh = new TestStore(kind);
        var (plainExit, plainOutput, _) = await HostRunner.RunAsync("import", store.Path("clone.json"), "--store", fresh.Argument, "--json");
        Assert.Equal(0, plainExit);
        Assert.Contains(Json(plainOutput).GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("another device", StringComparison.Ordinal));
        Assert.Null(new TestStoreLoad(fresh).HardwareId);

        var (adoptExit, adoptOutput, adoptError) = await HostRunner.RunAsync("import", store.Path("clone.json"), "--store", fresh.Argument, "--adopt", "--yes", "--json");
        Assert.True(adoptExit == 0, adoptError);
        Assert.Equal("this device", Json(adoptOutput).GetProperty("after").GetProperty("hwidMadeOn").GetString());
        Assert.Equal(Hwid(0x5A), new TestStoreLoad(fresh).HardwareId);
        var (hwidAfter, _, _) = await HostRunner.RunAsync("hwid", "--store", fresh.Argument);
        Assert.Equal(0, hwidAfter);
    }

    /// <summary>What a client on this device loads from a test store.</summary>
    private sealed class TestStoreLoad
    {
        public TestStoreLoad(TestStore store)
        {
            Assert.True(StoreSelection.TryOpen(store.Argument, null, out StoreSelection? selection, out string error), error);
            using StoreSelection opened = selection!;
            HardwareId = opened.Store.Load().HardwareId;
        }

        public ClientHardwareId? HardwareId { get; }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ACalIssuedToAnotherHwidIsNamedWhenImportedAndAnExpiredTemporaryCalIsShownAsSuch(string kind)
    {
        var source = new TestStore(kind);
        var mismatched = new LicenseStoreContents(Hwid(0x5A), source.Device, [Cal(s_key, Hwid(0x77), temporary: true, s_now.AddDays(-100), s_now.AddDays(-10))]);
        source.Fill(mismatched);
        var (showExit, showOutput, _) = await HostRunner.RunAsync("show", "--store", source.Argument, "--json");
        JsonElement shown = Assert.Single(Json(showOutput).GetProperty("licenses").EnumerateArray().ToList());
        Assert.Equal(0, showExit);
        Assert.True(shown.GetProperty("temporary").GetBoolean());
        Assert.True(shown.GetProperty("daysLeft").GetInt32() < 0);
        Assert.False(shown.GetProperty("hwidMatchesDevice").GetBoolean());

        await HostRunner.RunAsync("export", source.Path("mismatch.reg"), "--store", source.Argument);
        var target = new TestStore(kind);
        var (exitCode, output, error) = await HostRunner.RunAsync("import", source.Path("mismatch.reg"), "--store", target.Argument, "--json");

        Assert.True(exitCode == 0, error);
        Assert.Contains(Json(output).GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("event 1003/1004", StringComparison.Ordinal));
        Assert.True(source.Read().ContentEquals(target.Read()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RegeneratingTheHwidDropsItsCalsAndTheBackupRestoresTheOldOne(string kind)
    {
        var store = new TestStore(kind);
        store.Fill(Healthy(store.Device));
        byte[] original = store.Bytes();

        var (exitCode, output, error) = await HostRunner.RunAsync("hwid", "--regenerate", "--yes", "--store", store.Argument, "--backup", store.Path("old-hwid"), "--json");

        Assert.True(exitCode == 0, error);
        JsonElement json = Json(output);
        LicenseStoreContents after = store.Read();
        Assert.NotNull(after.HardwareId);
        Assert.NotEqual(Hwid(0x5A), after.HardwareId);
        Assert.Equal(0x04010000u, after.HardwareId!.Value.PlatformId);
        Assert.Empty(after.Licenses);
        Assert.Equal(HardwareIdFingerprint.Compute(after.HardwareId.Value.ToArray()), json.GetProperty("hwidFingerprint").GetString());
        Assert.Equal(HardwareIdFingerprint.Compute(Hwid(0x5A).ToArray()), json.GetProperty("previousHwidFingerprint").GetString());
        Assert.Equal(2, json.GetProperty("removedLicenses").GetInt32());
        Assert.Contains("[801]", error, StringComparison.Ordinal);

        var (importExit, _, importError) = await HostRunner.RunAsync("import", store.Path("old-hwid"), "--store", store.Argument, "--yes", "--no-backup");
        Assert.True(importExit == 0, importError);
        Assert.Equal(original, store.Bytes());
    }

    [Fact]
    public async Task ExportAndImportMoveAStoreBetweenKindsWithEveryByteKept()
    {
        var file = new TestStore("file");
        file.Fill(Healthy(file.Device));
        LicenseStoreContents original = file.Read();

        var (toReg, _, toRegError) = await HostRunner.RunAsync("export", file.Path("moved.reg"), "--store", file.Argument);
        var (toJson, _, _) = await HostRunner.RunAsync("export", file.Path("moved.json"), "--store", file.Argument);
        var (again, _, againError) = await HostRunner.RunAsync("export", file.Path("moved.json"), "--store", file.Argument);
        Assert.True(toReg == 0, toRegError);
        Assert.Equal(0, toJson);
        Assert.Equal(HostApp.ExitCannotRun, again);
        Assert.Contains("--force", againError, StringComparison.Ordinal);
        Assert.StartsWith("Windows Registry Editor Version 5.00", TsThinLic.Storage.Registry.RegFile.Decode(File.ReadAllBytes(file.Path("moved.reg"))), StringComparison.Ordinal);

        foreach ((string source, string kind) in new[] { ("moved.reg", "flash"), ("moved.json", "reg"), ("moved.reg", "file"), ("moved.json", "flash") })
        {
            var target = new TestStore(kind);
            var (exitCode, output, error) = await HostRunner.RunAsync("import", file.Path(source), "--store", target.Argument, "--json");
            Assert.True(exitCode == 0, $"{source} -> {kind}: {error}");
            Assert.StartsWith("contents", Json(output).GetProperty("restoredAs").GetString(), StringComparison.Ordinal);
            Assert.True(original.ContentEquals(target.Read()), $"{source} -> {kind}");
        }

        var memory = await HostRunner.RunAsync("import", file.Path("moved.json"), "--store", "memory", "--json");
        Assert.Equal(0, memory.ExitCode);
    }

    [Fact]
    public async Task ImportRefusesWhatIsNotAStoreAndSaysWhy()
    {
        var store = new TestStore("file");
        store.Fill(Healthy(store.Device));
        byte[] original = store.Bytes();
        File.WriteAllBytes(store.Path("garbage.bin"), new byte[1000]);
        File.WriteAllText(store.Path("bad.json"), "{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"hwid\":\"zz\",\"licenses\":[]}");

        var garbage = await HostRunner.RunAsync("import", store.Path("garbage.bin"), "--store", store.Argument, "--yes");
        var badJson = await HostRunner.RunAsync("import", store.Path("bad.json"), "--store", store.Argument, "--yes");
        var missing = await HostRunner.RunAsync("import", store.Path("missing.json"), "--store", store.Argument, "--yes");
        var contradiction = await HostRunner.RunAsync("wipe", "--store", store.Argument, "--yes", "--backup", store.Path("b"), "--no-backup");

        Assert.Equal(HostApp.ExitCannotRun, garbage.ExitCode);
        Assert.Contains("not a JSON export", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(HostApp.ExitCannotRun, badJson.ExitCode);
        Assert.Contains("$.hwid", badJson.Error, StringComparison.Ordinal);
        Assert.Equal(HostApp.ExitCannotRun, missing.ExitCode);
        Assert.Equal(HostApp.ExitCannotRun, contradiction.ExitCode);
        Assert.Equal(original, store.Bytes());
    }

    [Fact]
    public async Task TheMemoryStoreHasNothingToWipeAndGetsANewHwidOnRequest()
    {
        var (wipeExit, wipeOutput, _) = await HostRunner.RunAsync("wipe", "--store", "memory", "--json");
        var (hwidExit, hwidOutput, hwidError) = await HostRunner.RunAsync("hwid", "--store", "memory", "--regenerate", "--yes", "--json");

        Assert.Equal(0, wipeExit);
        Assert.Equal("nothing", Json(wipeOutput).GetProperty("removed").GetString());
        Assert.True(hwidExit == 0, hwidError);
        Assert.Equal(40, Json(hwidOutput).GetProperty("hwid").GetString()!.Length);
        Assert.Equal("none", Json(hwidOutput).GetProperty("previousHwidFingerprint").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task OnAReadOnlyStoreNothingChangesAndTheCommandSaysSo(string kind)
    {
        using var readOnly = new ReadOnlyDirectory();
        var store = new TestStore(kind, readOnly.Path);
        store.Fill(Healthy(store.Device));
        byte[] original = store.Bytes();
        string elsewhere = TempDirectory();
        readOnly.Seal();

        var wipe = await HostRunner.RunAsync("wipe", "--store", store.Argument, "--yes", "--backup", Path.Combine(elsewhere, "backup"));
        var regenerate = await HostRunner.RunAsync("hwid", "--regenerate", "--store", store.Argument, "--yes", "--no-backup");
        var defaultBackup = await HostRunner.RunAsync("wipe", "--cals-only", "--store", store.Argument, "--yes");

        Assert.Equal(HostApp.ExitCannotRun, wipe.ExitCode);
        Assert.Equal(HostApp.ExitCannotRun, regenerate.ExitCode);
        Assert.Equal(HostApp.ExitCannotRun, defaultBackup.ExitCode);
        Assert.Equal(original, store.Bytes());
        if (kind == "flash")
        {
            // A partition that cannot be opened for writing is refused before anything is read.
            Assert.Contains("cannot open the store", wipe.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("could not be", wipe.Error, StringComparison.Ordinal);
            Assert.Contains("is intact", wipe.Error, StringComparison.Ordinal);
            Assert.Equal(original, File.ReadAllBytes(Path.Combine(elsewhere, "backup")));
            Assert.Contains("nothing was changed", defaultBackup.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A directory that becomes read-only: by its mode bits for an ordinary user; as root (whom mode bits do not stop,
    /// as in CI), a tmpfs mounted there and remounted read-only.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private sealed class ReadOnlyDirectory : IDisposable
    {
        private readonly bool _mounted;

        public ReadOnlyDirectory()
        {
            Path = TempDirectory();
            if (Environment.UserName == "root")
            {
                Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", Path);
                _mounted = true;
            }
        }

        public string Path { get; }

        public void Seal()
        {
            if (_mounted)
            {
                Run("mount", "-o", "remount,ro", Path);
                return;
            }

            foreach (string file in System.IO.Directory.GetFiles(Path))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead);
            }

            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        public void Dispose()
        {
            if (_mounted)
            {
                Run("umount", Path);
            }
            else
            {
                File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        private static void Run(string command, params string[] arguments)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {error} (the read-only store test needs root with CAP_SYS_ADMIN, or a non-root user)");
        }
    }
}
