using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TsThinLic.Diagnostics;
using TsThinLic.Host;
using TsThinLic.Storage;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Storage;
using Xunit;
using static TsThinLic.Tests.Host.DoctorStoreKit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// <c>tsthinlic doctor</c>, run for real through the host: each test prepares a store (a <c>license</c> run against the
/// emulator, or records written through the library with CALs minted for the case), runs doctor with --json, and checks
/// the exit code and the verdict, server events and wipe advice of the check that must fire.
/// </summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();
    private readonly ManualTimeProvider _time = new(Now);

    private DoctorEnvironment Fixed => new() { Time = _time };

    public void Dispose()
    {
        // A test may leave read-only modes behind: open everything up again so the directory can go.
        if (!OperatingSystem.IsWindows())
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(_directory, "*", SearchOption.AllDirectories).Prepend(_directory))
            {
                File.SetUnixFileMode(entry, Directory.Exists(entry) ? (UnixFileMode)0x1C0 /* 0700 */ : (UnixFileMode)0x180 /* 0600 */);
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<(int ExitCode, JsonElement Report, string Error)> DoctorAsync(DoctorEnvironment environment, params string[] args)
    {
        var (exitCode, output, error) = await HostRunner.RunAsync(environment, ["doctor", .. args, "--json"]);
        Assert.True(output.Length > 0, $"doctor printed nothing (exit {exitCode}): {error}");
        return (exitCode, JsonDocument.Parse(output).RootElement, error);
    }

    private static void AssertChecksInOrder(JsonElement report)
        => Assert.Equal(DoctorCheckIds.All, report.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));

    [Theory]
    [MemberData(nameof(PersistentKinds), MemberType = typeof(DoctorStoreKit))]
    public async Task AStoreAfterALicenseRunIsHealthy(string kind)
    {
        string store = kind switch
        {
            "file" => "file:" + Path.Combine(_directory, "licenses.store"),
            "flash" => "flash:" + Path.Combine(_directory, "store.img"),
            _ => "reg:" + Path.Combine(_directory, "mslicensing.reg"),
        };
        var (licenseExit, _, licenseError) = await HostRunner.RunAsync("license", "--store", store);
        Assert.True(licenseExit == 0, licenseError);
        Tighten(store);

        var (exit, report, error) = await DoctorAsync(DoctorEnvironment.System, "--store", store);

        Assert.True(exit == 0, error + report);
        Assert.True(report.GetProperty("healthy").GetBoolean());
        Assert.Equal(0, report.GetProperty("problems").GetInt32());
        Assert.Equal(0, report.GetProperty("warnings").GetInt32());
        AssertChecksInOrder(report);
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.ServerReachable));
        foreach (string id in DoctorCheckIds.All.Skip(1))
        {
            Assert.True(Verdict(report, id) == "ok", $"{id}: {Check(report, id)}");
        }

        Assert.Contains("A02-6.00-S, temporary", Check(report, DoctorCheckIds.CalDecode).GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Empty(report.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task AMemoryStoreHasNothingToCheckAndIsHealthy()
    {
        var (exit, report, _) = await DoctorAsync(Fixed, "--store", "memory");

        Assert.Equal(0, exit);
        AssertChecksInOrder(report);
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.StoreAccess));
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.HardwareId));
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.CalDecode));
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.CalExpiry));
    }

    [Fact]
    public async Task AStoreNotYetWrittenIsHealthyAndNothingIsCreated()
    {
        string path = Path.Combine(_directory, "state", "tsthinlic", "licenses.store");
        string image = Path.Combine(_directory, "flash", "store.img");

        var (fileExit, fileReport, _) = await DoctorAsync(Fixed, "--store", "file:" + path);
        var (flashExit, flashReport, _) = await DoctorAsync(Fixed, "--store", "flash:" + image);

        Assert.Equal(0, fileExit);
        Assert.Equal(0, flashExit);
        Assert.Equal("ok", Verdict(fileReport, DoctorCheckIds.StoreAccess));
        Assert.Equal("ok", Verdict(flashReport, DoctorCheckIds.StoreAccess));
        Assert.Contains("no HWID yet", Check(fileReport, DoctorCheckIds.HardwareId).GetProperty("evidence").GetString(), StringComparison.Ordinal);
        // Doctor only looks: no directory, image or probe file is left behind.
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(image)));
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task AWorldReadableStoreIsAWarningAndExitsZero()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string store = Write("file", _directory, NewHwid(), []);
        Tighten(store);
        File.SetUnixFileMode(PathOf(store), (UnixFileMode)0x1A4 /* 0644 */);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(0, exit);
        Assert.True(report.GetProperty("healthy").GetBoolean());
        Assert.Equal(1, report.GetProperty("warnings").GetInt32());
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("warning", access.GetProperty("verdict").GetString());
        Assert.Contains("readable by every account (0644)", access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("chmod 600", access.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFlippedByteInTheStoreFileIsACorruptRecord()
    {
        string store = "file:" + Path.Combine(_directory, "licenses.store");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", store)).ExitCode);
        Tighten(store);
        byte[] bytes = File.ReadAllBytes(PathOf(store));
        bytes[30] ^= 1;
        File.WriteAllBytes(PathOf(store), bytes);
        // The first use committed the HWID alone, then the CAL: without that previous generation nothing valid is left.
        File.Delete(PathOf(store) + ".prev");

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        Assert.False(report.GetProperty("healthy").GetBoolean());
        JsonElement corrupt = Check(report, DoctorCheckIds.CorruptRecords);
        Assert.Equal("problem", corrupt.GetProperty("verdict").GetString());
        Assert.Contains("CRC-32", corrupt.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.True(corrupt.GetProperty("wipeFixes").GetBoolean());
        Assert.StartsWith("tsthinlic wipe:", corrupt.GetProperty("fix").GetString(), StringComparison.Ordinal);
        // A CRC-checked copy is never presented to a server: no event of its own.
        Assert.Empty(Events(report, DoctorCheckIds.CorruptRecords));
    }

    [Fact]
    public async Task AFlippedByteInTheFlashSlotIsACorruptRecord()
    {
        string store = "flash:" + Path.Combine(_directory, "store.img");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", store)).ExitCode);
        Tighten(store);
        byte[] image = File.ReadAllBytes(PathOf(store));
        // A payload byte of each slot: slot A holds the HWID the first use committed alone, slot B the HWID and the CAL.
        image[StoreEnvelope.HeaderLength + 3] ^= 0x10;
        image[(image.Length / 2) + StoreEnvelope.HeaderLength + 3] ^= 0x10;
        File.WriteAllBytes(PathOf(store), image);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        Assert.Equal("problem", Verdict(report, DoctorCheckIds.CorruptRecords));
        Assert.Contains("slot A", Check(report, DoctorCheckIds.CorruptRecords).GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.True(WipeFixes(report, DoctorCheckIds.CorruptRecords));
        // Doctor never writes: the damaged image is as it was.
        Assert.Equal(image, File.ReadAllBytes(PathOf(store)));
    }

    [Fact]
    public async Task ADamagedPreviousGenerationBesideAValidOneIsOnlyAWarning()
    {
        var hwid = NewHwid();
        string store = Write("file", _directory, hwid, [License(Mint(hwid, true, Now, Now.AddDays(90)))]);
        Tighten(store);
        string previous = PathOf(store) + ".prev";
        byte[] bytes = File.ReadAllBytes(previous);
        bytes[30] ^= 1;
        File.WriteAllBytes(previous, bytes);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(0, exit);
        Assert.True(report.GetProperty("healthy").GetBoolean());
        Assert.Equal("warning", Verdict(report, DoctorCheckIds.CorruptRecords));
        Assert.False(WipeFixes(report, DoctorCheckIds.CorruptRecords));
    }

    [Fact]
    public async Task AFlippedByteInARegLicenseValueIsACalThatDoesNotDecode()
    {
        var hwid = NewHwid();
        string store = Write("reg", _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-3), Now.AddDays(87)))]);
        Tighten(store);
        EditReg(store, hive =>
        {
            string entry = RegistryLicenseStore.StoreKey + "\\" + hive.GetSubKeyNames(RegistryLicenseStore.StoreKey)[0];
            byte[] cal = hive.GetValue(entry, RegistryLicenseStore.ClientLicenseValue)!.Data.ToArray();
            cal[0] ^= 0xFF; // the outer SEQUENCE tag: the registry has no checksum, only decoding notices
            hive.SetValue(entry, RegistryLicenseStore.ClientLicenseValue, RegistryValue.Binary(cal));
        });

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        Assert.Equal("problem", Verdict(report, DoctorCheckIds.CalDecode));
        Assert.Equal([ServerEvents.InvalidLicense], Events(report, DoctorCheckIds.CalDecode));
        Assert.True(WipeFixes(report, DoctorCheckIds.CalDecode));
        Assert.StartsWith("tsthinlic wipe --cals-only", Check(report, DoctorCheckIds.CalDecode).GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Contains(report.GetProperty("events").EnumerateArray(), e => e.GetProperty("id").GetInt32() == 1003 && e.GetProperty("symbolicName").GetString() == "EVENT_INVALID_LICENSE");
    }

    [Fact]
    public async Task AShortClientHwidValueInARegStoreIsACorruptRecord()
    {
        var hwid = NewHwid();
        string store = Write("reg", _directory, hwid, []);
        Tighten(store);
        EditReg(store, hive => hive.SetValue(RegistryLicenseStore.HardwareIdKey, RegistryLicenseStore.ClientHwidValue, RegistryValue.Binary(hwid.ToArray()[..19])));

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        JsonElement corrupt = Check(report, DoctorCheckIds.CorruptRecords);
        Assert.Equal("problem", corrupt.GetProperty("verdict").GetString());
        Assert.Contains(@"HardwareID\ClientHWID", corrupt.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal([ServerEvents.InvalidLicense], Events(report, DoctorCheckIds.CorruptRecords));
        Assert.StartsWith("tsthinlic wipe:", corrupt.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("warning", Verdict(report, DoctorCheckIds.HardwareId));
    }

    [Theory]
    [MemberData(nameof(PersistentKinds), MemberType = typeof(DoctorStoreKit))]
    public async Task AnExpiredTemporaryCalMeans1011AndAWipeDoesNotHelp(string kind)
    {
        var hwid = NewHwid();
        string store = Write(kind, _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-100), Now.AddDays(-10)))]);
        Tighten(store);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        JsonElement expiry = Check(report, DoctorCheckIds.CalExpiry);
        Assert.Equal("problem", expiry.GetProperty("verdict").GetString());
        Assert.Equal([ServerEvents.TemporaryLicenseExpired], Events(report, DoctorCheckIds.CalExpiry));
        Assert.False(expiry.GetProperty("wipeFixes").GetBoolean());
        Assert.Contains("2026-05-22", expiry.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("does NOT help", expiry.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.CalHardwareId));
    }

    [Theory]
    [MemberData(nameof(PersistentKinds), MemberType = typeof(DoctorStoreKit))]
    public async Task ATemporaryCal85DaysOldWithNoPermanentOneIsAProblemBecause1011IsComing(string kind)
    {
        var hwid = NewHwid();
        string store = Write(kind, _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-85), Now.AddDays(5)))]);
        Tighten(store);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        // The device still connects today, but the attrition is what doctor is for: a problem, exit 1; the fix is on the server.
        Assert.Equal(1, exit);
        Assert.Equal(1, report.GetProperty("problems").GetInt32());
        JsonElement age = Check(report, DoctorCheckIds.TemporaryCalAge);
        Assert.Equal("problem", age.GetProperty("verdict").GetString());
        Assert.Equal([ServerEvents.UnableToAcquireLicense, ServerEvents.TemporaryLicenseExpired], Events(report, DoctorCheckIds.TemporaryCalAge));
        Assert.False(age.GetProperty("wipeFixes").GetBoolean());
        Assert.Contains("85 day(s) old", age.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("5 day(s) left", age.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("A wipe does NOT help", age.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.CalExpiry));
    }

    [Fact]
    public async Task AnOldTemporaryCalBesideAPermanentOneIsFine()
    {
        var hwid = NewHwid();
        string store = Write("file", _directory, hwid,
        [
            License(Mint(hwid, true, Now.AddDays(-85), Now.AddDays(5))),
            License(Mint(hwid, false, Now.AddDays(-20), Now.AddDays(40), major: 10), Key with { Version = 0x000A0000 }),
        ]);
        Tighten(store);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(0, exit);
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.TemporaryCalAge));
        // Two versions of one product in one scope: flagged, harmless.
        Assert.Equal("warning", Verdict(report, DoctorCheckIds.DuplicateCals));
        Assert.False(WipeFixes(report, DoctorCheckIds.DuplicateCals));
        Assert.Contains("0x00060000 and 0x000a0000", Check(report, DoctorCheckIds.DuplicateCals).GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredPermanentCalIsRenewedAtTheNextConnectionOr1028()
    {
        var hwid = NewHwid();
        string store = Write("flash", _directory, hwid, [License(Mint(hwid, false, Now.AddDays(-70), Now.AddDays(-1)))]);
        Tighten(store);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(0, exit);
        Assert.Equal("warning", Verdict(report, DoctorCheckIds.CalExpiry));
        Assert.Equal([ServerEvents.PermanentLicenseNotRenewed], Events(report, DoctorCheckIds.CalExpiry));
    }

    [Theory]
    [MemberData(nameof(PersistentKinds), MemberType = typeof(DoctorStoreKit))]
    public async Task ACalMintedForAnotherHwidMeans1003Or1004AndWipeCalsOnly(string kind)
    {
        var hwid = NewHwid();
        string store = Write(kind, _directory, hwid, [License(Mint(NewHwid(), true, Now.AddDays(-3), Now.AddDays(87)))]);
        Tighten(store);

        var (exit, report, error) = await DoctorAsync(Fixed, "--store", store, "--log-format", "json");

        Assert.Equal(1, exit);
        JsonElement binding = Check(report, DoctorCheckIds.CalHardwareId);
        Assert.Equal("problem", binding.GetProperty("verdict").GetString());
        Assert.Equal([ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense], Events(report, DoctorCheckIds.CalHardwareId));
        Assert.True(binding.GetProperty("wipeFixes").GetBoolean());
        Assert.StartsWith("tsthinlic wipe --cals-only", binding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.HardwareId));

        // One Warning-level event for the problem (event 700, keyed by the check ID); the HWID appears only as its
        // 8-digit fingerprint.
        var events = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        JsonElement logged = Assert.Single(events, e => e.GetProperty("level").GetString() == "Warning");
        Assert.Equal(700, logged.GetProperty("eventId").GetInt32());
        Assert.Equal(DoctorCheckIds.CalHardwareId, logged.GetProperty("fields").GetProperty("CheckId").GetString());
        Assert.DoesNotContain(hwid.ToString(), error + report, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexStringLower(hwid.Data.Span), error + report, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(PersistentKinds), MemberType = typeof(DoctorStoreKit))]
    public async Task AStoreWrittenOnAnotherDeviceIsACloneAndAWipeFixesIt(string kind)
    {
        var hwid = NewHwid();
        string store = Write(kind, _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-3), Now.AddDays(87)))], madeOn: StoreTestKit.Fingerprint("golden-image-unit"));
        Tighten(store);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        JsonElement clone = Check(report, DoctorCheckIds.HardwareId);
        Assert.Equal("problem", clone.GetProperty("verdict").GetString());
        Assert.Contains("cloned image", clone.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal([ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense], Events(report, DoctorCheckIds.HardwareId));
        Assert.True(clone.GetProperty("wipeFixes").GetBoolean());
        Assert.StartsWith("tsthinlic wipe:", clone.GetProperty("fix").GetString(), StringComparison.Ordinal);
        // The CALs are the other device's: nothing to judge about them here.
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.CalDecode));
        Assert.Equal("skipped", Verdict(report, DoctorCheckIds.CalHardwareId));
    }

    [Fact]
    public async Task AReadOnlyStoreIsAProblemForReal()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // 0444 in a 0555 directory. Not root: the write probe fails. Root (CI): the probe succeeds, and the mode bits,
        // which let no one but root write, decide.
        string directory = Path.Combine(_directory, "ro");
        Directory.CreateDirectory(directory);
        string store = Write("file", directory, NewHwid(), []);
        File.SetUnixFileMode(PathOf(store), (UnixFileMode)0x124 /* 0444 */);
        File.SetUnixFileMode(PathOf(store) + ".lock", (UnixFileMode)0x124);
        File.SetUnixFileMode(directory, (UnixFileMode)0x16D /* 0555 */);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("problem", access.GetProperty("verdict").GetString());
        Assert.Contains(directory, access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal([ServerEvents.TemporaryLicenseExpired], Events(report, DoctorCheckIds.StoreAccess));
        Assert.False(WipeFixes(report, DoctorCheckIds.StoreAccess));
        // The content could still be read and was checked.
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.HardwareId));
    }

    [Fact]
    public async Task AReadOnlyFlashImageIsAProblemForReal()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var hwid = NewHwid();
        string store = Write("flash", _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-3), Now.AddDays(87)))]);
        Tighten(store);
        File.SetUnixFileMode(PathOf(store), (UnixFileMode)0x100 /* 0400 */);

        var (exit, report, _) = await DoctorAsync(Fixed, "--store", store);

        Assert.Equal(1, exit);
        Assert.Equal("problem", Verdict(report, DoctorCheckIds.StoreAccess));
        Assert.Equal("ok", Verdict(report, DoctorCheckIds.CalHardwareId));
    }

    [Fact]
    public async Task AReadOnlyFileSystemIsAProblemAsAnyAccount()
    {
        string store = Write("file", _directory, NewHwid(), []);
        string path = PathOf(store);
        var files = new ScriptedFileInspector { EffectiveUserId = 1000 };
        files.Facts[path] = new FileFacts(true, false, (UnixFileMode)0x180, 1000);
        files.Facts[_directory] = new FileFacts(true, true, (UnixFileMode)0x1ED /* 0755 */, 1000);
        files.DirectoryErrors[_directory] = "Read-only file system";

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Files = files }, "--store", store);

        Assert.Equal(1, exit);
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("problem", access.GetProperty("verdict").GetString());
        Assert.Contains("Read-only file system", access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal([ServerEvents.TemporaryLicenseExpired], Events(report, DoctorCheckIds.StoreAccess));
    }

    [Fact]
    public async Task AStoreThisAccountCannotReadIsAProblemAndTheContentChecksAreSkipped()
    {
        string store = Write("file", _directory, NewHwid(), []);
        string path = PathOf(store);
        var files = new ScriptedFileInspector { EffectiveUserId = 1000 };
        files.Facts[path] = new FileFacts(true, false, (UnixFileMode)0x180 /* 0600 */, 0);
        files.ReadErrors[path] = "Permission denied";

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Files = files }, "--store", store);

        Assert.Equal(1, exit);
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("problem", access.GetProperty("verdict").GetString());
        Assert.Contains("belongs to uid 0, not to this account (uid 1000)", access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        foreach (string id in DoctorCheckIds.All.Skip(2))
        {
            Assert.Equal("skipped", Verdict(report, id));
        }
    }

    [Fact]
    public async Task ADirectoryWithoutWriteBitsIsAProblemEvenWhereTheProbeSucceeds()
    {
        // As root: the probe file can be made, but the mode says nobody else could.
        string store = Write("file", _directory, NewHwid(), []);
        var files = new ScriptedFileInspector { EffectiveUserId = 0 };
        files.Facts[PathOf(store)] = new FileFacts(true, false, (UnixFileMode)0x124 /* 0444 */, 1000);
        files.Facts[_directory] = new FileFacts(true, true, (UnixFileMode)0x16D /* 0555 */, 1000);

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Files = files }, "--store", store);

        Assert.Equal(1, exit);
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("problem", access.GetProperty("verdict").GetString());
        Assert.Contains("read-only by its mode (0555)", access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("running as root", access.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWorldWritableStoreOfAnotherOwnerIsAWarning()
    {
        string store = Write("flash", _directory, NewHwid(), []);
        var files = new ScriptedFileInspector { EffectiveUserId = 1000 };
        files.Facts[PathOf(store)] = new FileFacts(true, false, (UnixFileMode)0x1B6 /* 0666 */, 1001);

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Files = files }, "--store", store);

        Assert.Equal(0, exit);
        JsonElement access = Check(report, DoctorCheckIds.StoreAccess);
        Assert.Equal("warning", access.GetProperty("verdict").GetString());
        string evidence = access.GetProperty("evidence").GetString()!;
        Assert.Contains("writable by every account (0666)", evidence, StringComparison.Ordinal);
        Assert.Contains("readable by every account (0666)", evidence, StringComparison.Ordinal);
        Assert.Contains("belongs to uid 1001", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClosedPortOnLoopbackIsUnreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: the connection is refused

        var (exit, report, _) = await DoctorAsync(DoctorEnvironment.System, "--store", "memory", "--server", $"127.0.0.1:{port}");

        Assert.Equal(1, exit);
        Assert.Equal($"127.0.0.1:{port}", report.GetProperty("server").GetString());
        JsonElement reach = Check(report, DoctorCheckIds.ServerReachable);
        Assert.Equal("problem", reach.GetProperty("verdict").GetString());
        Assert.Contains("refused", reach.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("telnet", reach.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.True(reach.TryGetProperty("elapsedMs", out _));
    }

    [Fact]
    public async Task AListeningSocketOnLoopbackIsReachableAndTimed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var (exit, report, _) = await DoctorAsync(DoctorEnvironment.System, "--store", "memory", "--server", $"127.0.0.1:{port}");

            Assert.Equal(0, exit);
            JsonElement reach = Check(report, DoctorCheckIds.ServerReachable);
            Assert.Equal("ok", reach.GetProperty("verdict").GetString());
            Assert.InRange(reach.GetProperty("elapsedMs").GetInt64(), 0, 5000);
            Assert.Contains($"127.0.0.1:{port} opened in", reach.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task TheConnectIsTimedWithTheInjectedClockOnTheDefaultPort()
    {
        var connector = new ScriptedConnector((_, _, _) =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(42));
            return Task.CompletedTask;
        });

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Connector = connector }, "--store", "memory", "--server", "rds.example.test");

        Assert.Equal(0, exit);
        Assert.Equal(("rds.example.test", 3389), Assert.Single(connector.Calls));
        Assert.Equal(42, Check(report, DoctorCheckIds.ServerReachable).GetProperty("elapsedMs").GetInt64());
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOutAfterFiveSeconds()
    {
        var connector = new ScriptedConnector(async (_, _, cancellationToken) =>
        {
            _time.Advance(TimeSpan.FromSeconds(5)); // the connect timeout fires
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Connector = connector }, "--store", "memory", "--server", "rds.example.test:3390");

        Assert.Equal(1, exit);
        JsonElement reach = Check(report, DoctorCheckIds.ServerReachable);
        Assert.Equal("problem", reach.GetProperty("verdict").GetString());
        Assert.Contains("did not answer within 5 s", reach.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal(5000, reach.GetProperty("elapsedMs").GetInt64());
    }

    [Fact]
    public async Task ANameThatDoesNotResolveIsUnreachable()
    {
        var connector = new ScriptedConnector((_, _, _) => throw new SocketException((int)SocketError.HostNotFound));

        var (exit, report, _) = await DoctorAsync(new DoctorEnvironment { Time = _time, Connector = connector }, "--store", "memory", "--server", "nowhere.example.test");

        Assert.Equal(1, exit);
        Assert.Contains("does not resolve", Check(report, DoctorCheckIds.ServerReachable).GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--store", "memory", "--server", "host:notaport")]
    [InlineData("--store", "memory", "--server", "host:70000")]
    [InlineData("--store", "nowhere")]
    [InlineData("--store", "memory", "--reg", "x.reg")]
    [InlineData("--profile", "/nonexistent/profile.json")]
    [InlineData("--unknown-option")]
    public async Task UnusableArgumentsCannotRun(params string[] args)
    {
        var (exit, output, error) = await HostRunner.RunAsync(Fixed, ["doctor", .. args]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.NotEqual(string.Empty, error);
    }

    [Fact]
    public async Task TheRegistryStoreOffWindowsCannotRun()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (exit, _, error) = await HostRunner.RunAsync(Fixed, "doctor", "--store", "registry");

        Assert.Equal(2, exit);
        Assert.Contains("reg:FILE.reg", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextOutputSaysTheSameAsJson()
    {
        var hwid = NewHwid();
        string store = Write("file", _directory, hwid, [License(Mint(hwid, true, Now.AddDays(-100), Now.AddDays(-10)))]);
        Tighten(store);

        var (exit, output, _) = await HostRunner.RunAsync(new DoctorEnvironment { Time = _time, Terminal = TerminalStyle.Plain }, "doctor", "--store", store);

        // Issue 15's checklist: the verdict as a mark, the evidence, the fix and the events under a problem, a summary.
        Assert.Equal(1, exit);
        Assert.Contains("[FAIL] CAL expiry", output, StringComparison.Ordinal);
        Assert.Contains("expired on 2026-05-22", output, StringComparison.Ordinal);
        Assert.Contains("explains server events 1011", output, StringComparison.Ordinal);
        Assert.Matches(@"\d problems?(, \d warnings?)?: see the fixes above \(\d ok, 1 skipped\)\.", output);
        Assert.DoesNotContain("wipeFixes", output, StringComparison.Ordinal);
    }
}
