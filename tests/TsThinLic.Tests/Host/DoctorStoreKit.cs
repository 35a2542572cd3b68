using System.Security.Cryptography;
using System.Text.Json;
using TsThinLic.Emulator;
using TsThinLic.Host;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Stores for the doctor's tests, written through the library exactly as a device would hold them: a HWID, CALs the
/// emulator's minter makes (any HWID, dates and temporary flag), and the fingerprint of the device that wrote them.
/// </summary>
internal static class DoctorStoreKit
{
    /// <summary>The doctor's "now" in tests that inject the clock.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The key the emulated server issues under ([MS-RDPELE 4.1]'s product, scope microsoft.com).</summary>
    public static readonly LicenseKey Key = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");

    private static readonly Lazy<CalMinter> s_minter = new(() => new CalMinter(EmulatorKeys.Rsa2048, EmulatorKeys.Rsa512.PublicKey, "LS01", "00000-00000-00000-AA000", "microsoft.com", Now.AddYears(-2)));

    /// <summary>Store kinds that keep something on a medium: each content test runs on all three.</summary>
    public static TheoryData<string> PersistentKinds => new() { "file", "flash", "reg" };

    public static ClientHardwareId NewHwid() => new(0x04010000, RandomNumberGenerator.GetBytes(16));

    public static byte[] Mint(ClientHardwareId boundTo, bool temporary, DateTimeOffset notBefore, DateTimeOffset notAfter, ushort major = 6)
        => s_minter.Value.Mint(new CalMintRequest
        {
            HardwareId = boundTo,
            MachineName = "TC-0042",
            UserName = "alice",
            LicenseId = $"A02-{major}.00-S",
            MajorVersion = major,
            Temporary = temporary,
            NotBefore = notBefore,
            NotAfter = notAfter,
        });

    public static StoredLicense License(byte[] cal, LicenseKey? key = null) => new(key ?? Key, cal, Now);

    /// <summary>Writes the HWID and CALs into a new store of <paramref name="kind"/>, as the device <paramref name="madeOn"/> (default: this one) would; returns the --store argument.</summary>
    public static string Write(string kind, string directory, ClientHardwareId hardwareId, IReadOnlyList<StoredLicense> licenses, DeviceFingerprint? madeOn = null)
    {
        DeviceFingerprint device = madeOn ?? DeviceIdentity.Fingerprint();
        var updates = new List<LicenseStoreUpdate> { new(hardwareId, null, null) };
        updates.AddRange(licenses.Select(l => new LicenseStoreUpdate(null, l, null)));
        return kind switch
        {
            "file" => WriteFile(Path.Combine(directory, "licenses.store"), device, updates),
            "flash" => WriteFlash(Path.Combine(directory, "store.img"), device, updates),
            "reg" => WriteReg(Path.Combine(directory, "mslicensing.reg"), device, updates),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "file, flash or reg"),
        };
    }

    private static string WriteFile(string path, DeviceFingerprint device, List<LicenseStoreUpdate> updates)
    {
        var store = new FileLicenseStore(path, device);
        updates.ForEach(store.Save);
        return "file:" + path;
    }

    private static string WriteFlash(string path, DeviceFingerprint device, List<LicenseStoreUpdate> updates)
    {
        using var image = new FileFlashDevice(path, StoreSelection.DefaultFlashGeometry, StoreSelection.DefaultFlashSize);
        var store = new FlashLicenseStore(image, 0, StoreSelection.DefaultFlashSize, device);
        updates.ForEach(store.Save);
        return "flash:" + path;
    }

    private static string WriteReg(string path, DeviceFingerprint device, List<LicenseStoreUpdate> updates)
    {
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive, device);
        updates.ForEach(store.Save);
        File.WriteAllBytes(path, RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey)));
        return "reg:" + path;
    }

    /// <summary>The medium's path in a --store argument.</summary>
    public static string PathOf(string store) => store[(store.IndexOf(':', StringComparison.Ordinal) + 1)..];

    /// <summary>Owner-only modes, as a careful installation leaves them, so that only what a test breaks is reported.</summary>
    public static void Tighten(string store)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = PathOf(store);
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Edits a .reg store in place through the registry model.</summary>
    public static void EditReg(string store, Action<MemoryRegistry> edit)
    {
        string path = PathOf(store);
        MemoryRegistry hive = RegFile.Read(RegFile.Decode(File.ReadAllBytes(path)));
        edit(hive);
        File.WriteAllBytes(path, RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey)));
    }

    /// <summary>The check with this ID in doctor's JSON.</summary>
    public static JsonElement Check(JsonElement report, string id)
        => Assert.Single(report.GetProperty("checks").EnumerateArray().ToList(), c => c.GetProperty("id").GetString() == id);

    public static string Verdict(JsonElement report, string id) => Check(report, id).GetProperty("verdict").GetString()!;

    public static int[] Events(JsonElement report, string id) => [.. Check(report, id).GetProperty("serverEvents").EnumerateArray().Select(e => e.GetInt32())];

    public static bool WipeFixes(JsonElement report, string id) => Check(report, id).GetProperty("wipeFixes").GetBoolean();
}
