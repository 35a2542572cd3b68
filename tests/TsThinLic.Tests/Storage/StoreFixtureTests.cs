using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// Frozen images of every on-media format (fixtures/stores/, see its README.md): each later version of the code must
/// keep reading them. While the format is still version 1 the current writer must also produce them byte for byte.
/// Set TSTHINLIC_WRITE_STORE_FIXTURES=1 to write them anew (only ever for a new format version, in new files).
/// </summary>
public sealed class StoreFixtureTests
{
    private static readonly DateTimeOffset s_storedAt = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ClientHardwareId s_hwid = new(0x04010000, 0x11223344, 0x55667788, 0x99AABBCC, 0xDDEEFF00);
    private static readonly DeviceFingerprint s_fingerprint = DeviceFingerprint.Compute([new("dmi/product_uuid", "4c4c4544-0042-3510-8052-b4c04f4e3732")]);
    private static readonly LicenseKey s_keyA = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");
    private static readonly LicenseKey s_keyB = new(0x000A0002, "WORKGROUP", "Microsoft Corporation", "A02");

    private static StoredLicense LicenseA => new(s_keyA, Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), s_storedAt);

    private static StoredLicense LicenseB => new(s_keyB, Enumerable.Range(0, 120).Select(i => (byte)(0xFF - i)).ToArray(), s_storedAt.AddDays(1));

    private static void Fill(ILicenseStore store)
    {
        store.Save(new LicenseStoreUpdate(s_hwid, LicenseA, null));
        store.Save(new LicenseStoreUpdate(null, LicenseB, null));
    }

    private static void AssertFixtureContent(LicenseStoreSnapshot snapshot, bool withStoredTime = true)
    {
        Assert.Equal(s_hwid, snapshot.HardwareId);
        Assert.Equal(2, snapshot.Licenses.Count);
        Assert.True(snapshot.Find(s_keyA)!.ContentEquals(LicenseA));
        Assert.True(snapshot.Find(s_keyB)!.ContentEquals(LicenseB));
        if (withStoredTime)
        {
            Assert.Equal(s_storedAt, snapshot.Find(s_keyA)!.StoredAt);
            Assert.Equal(s_storedAt.AddDays(1), snapshot.Find(s_keyB)!.StoredAt);
        }
    }

    private static byte[] Fixture(string name, byte[] current)
    {
        if (Environment.GetEnvironmentVariable("TSTHINLIC_WRITE_STORE_FIXTURES") == "1")
        {
            File.WriteAllBytes(Path.Combine(StoreTestKit.RepositoryRoot(), "fixtures", "stores", name), current);
        }

        return File.ReadAllBytes(StoreTestKit.FixturePath("stores", name));
    }

    public static TheoryData<string, int, int> FlashImages() => new()
    {
        { "flash-v1-nor-p1-e4096.bin", 1, 4096 },
        { "flash-v1-ftl-p512-e512.bin", 512, 512 },
    };

    [Theory]
    [MemberData(nameof(FlashImages))]
    public void FlashFormatVersion1StillReads(string name, int programUnit, int eraseUnit)
    {
        var geometry = new FlashGeometry(programUnit, eraseUnit);
        long size = 2 * Math.Max(eraseUnit, 2048);
        var written = new EmulatedFlash(geometry, size);
        Fill(new FlashLicenseStore(written, 0, size, s_fingerprint));
        byte[] frozen = Fixture(name, written.ToArray());

        var flash = new EmulatedFlash(geometry, size);
        flash.Load(frozen);
        var store = new FlashLicenseStore(flash, 0, size, s_fingerprint);

        AssertFixtureContent(store.Load());
        Assert.True(store.Verify().IsHealthy);
        Assert.Equal(frozen, written.ToArray());
    }

    [Fact]
    public void FileFormatVersion1StillReads()
    {
        string directory = StoreTestKit.TempDirectory();
        try
        {
            string path = Path.Combine(directory, "licenses.store");
            Fill(new FileLicenseStore(path, s_fingerprint));
            byte[] frozen = Fixture("file-v1.store", File.ReadAllBytes(path));

            File.WriteAllBytes(path, frozen);
            File.Delete(path + ".prev");
            AssertFixtureContent(new FileLicenseStore(path, s_fingerprint).Load());
            Assert.Equal(StoreEnvelope.FormatVersion, BitConverter.ToUInt16(frozen, StoreEnvelope.VersionOffset));
            Fill(new FileLicenseStore(Path.Combine(directory, "again.store"), s_fingerprint));
            Assert.Equal(frozen, File.ReadAllBytes(Path.Combine(directory, "again.store")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MsLicensingRegFileStillReads()
    {
        var hive = new MemoryRegistry();
        Fill(new RegistryLicenseStore(hive, s_fingerprint));
        byte[] frozen = Fixture("mslicensing-v1.reg", RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey)));

        MemoryRegistry read = RegFile.Read(RegFile.Decode(frozen));

        AssertFixtureContent(new RegistryLicenseStore(read, s_fingerprint).Load());
        Assert.True(read.ContentEquals(hive));
    }

    [Fact]
    public void WinesRegExportOfTheFixtureReadsAndIsWhatOurWriterWrites()
    {
        // fixtures/stores/mslicensing-v1.reg put into Wine 8.0's registry by its reg.exe (reg import) and taken out
        // again (reg export), by .ci/wine-registry.sh, which checks that Wine still writes exactly these bytes.
        byte[] wine = File.ReadAllBytes(StoreTestKit.FixturePath("stores", "mslicensing-v1-wine8-reg-export.reg"));
        var ours = new MemoryRegistry();
        Fill(new RegistryLicenseStore(ours, s_fingerprint));

        MemoryRegistry read = RegFile.Read(RegFile.Decode(wine));

        AssertFixtureContent(new RegistryLicenseStore(read, s_fingerprint).Load());
        // The same keys and values, byte for byte; reg.exe lists a key's values sorted by name (Wine keeps them sorted;
        // Windows keeps the order they were set in, which is ours), so they are compared by name.
        Assert.Equal(SortedValues(ours), SortedValues(read));
        // Formatted as reg.exe formats them: our writer gives Wine's bytes back from Wine's value order.
        Assert.Equal(wine, RegFile.Encode(RegFile.Write(read, RegistryLicenseStore.RootKey)));
    }

    private static string[] SortedValues(MemoryRegistry hive)
        => hive.Walk(RegistryLicenseStore.RootKey)
            .SelectMany(k => k.Values.Select(v => $@"{k.Path}\{v.Name}={v.Value}"))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
}
