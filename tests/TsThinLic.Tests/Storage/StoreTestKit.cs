using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Profiles;

namespace TsThinLic.Tests.Storage;

/// <summary>Shared helpers of the store tests: records, snapshot comparison, profiles, a capturing logger.</summary>
internal static class StoreTestKit
{
    public static readonly DateTimeOffset StoredAt = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly LicenseKey KeyA = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");
    public static readonly LicenseKey KeyB = new(0x00060000, "WORKGROUP", "Microsoft Corporation", "A02");
    public static readonly LicenseKey KeyC = new(0x000A0001, "microsoft.com", "Microsoft Corporation", "A02");

    public static ClientHardwareId Hwid(byte fill) => new(0x04010000, Enumerable.Repeat(fill, 16).ToArray());

    public static StoredLicense License(LicenseKey key, byte fill, int length = 40)
        => new(key, Enumerable.Range(0, length).Select(i => (byte)(fill + i)).ToArray(), StoredAt);

    public static DeviceFingerprint Fingerprint(string serial) => DeviceFingerprint.Compute([new("serial", serial)]);

    /// <summary>Same HWID and the same CALs (key and bytes), order aside.</summary>
    public static bool SameContent(LicenseStoreSnapshot a, LicenseStoreSnapshot b)
    {
        if (a.HardwareId != b.HardwareId || a.Licenses.Count != b.Licenses.Count)
        {
            return false;
        }

        return a.Licenses.All(l => b.Find(l.Key) is { } other && other.ContentEquals(l));
    }

    public static string Describe(LicenseStoreSnapshot snapshot)
        => $"HWID {snapshot.HardwareId?.ToString() ?? "none"}; " + string.Join(", ", snapshot.Licenses.Select(l => $"{l.Key}={Convert.ToHexStringLower(l.LicenseInfo.Span[..4])}…/{l.LicenseInfo.Length}"));

    public static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null)
        {
            if (Directory.Exists(Path.Combine(directory, "hardware")) && File.Exists(Path.Combine(directory, "TsThinLic.sln")))
            {
                return directory;
            }

            directory = Path.GetDirectoryName(directory);
        }

        throw new InvalidOperationException("The repository root (with hardware/ and TsThinLic.sln) is not above the test binaries.");
    }

    public static IReadOnlyList<(string File, DeviceProfile Profile)> Profiles()
        => Directory.GetFiles(Path.Combine(RepositoryRoot(), "hardware"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), DeviceProfile.Parse(File.ReadAllText(file))))
            .ToArray();

    public static string FixturePath(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "tsthinlic-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
