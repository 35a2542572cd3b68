using CsCheck;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Fakes;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// What backups, export and import stand on: every store's contents read and replaced whole, the portable JSON, the
/// raw images of each store and reading them back, and raw restores that survive a power cut at every step.
/// </summary>
public sealed class StoreTransferTests
{
    private static readonly DeviceFingerprint s_device = Fingerprint("unit-1");

    private static LicenseStoreContents Sample() => new(Hwid(7), s_device, [License(KeyA, 0x11, 300), License(KeyB, 0x22, 64)]);

    public static TheoryData<string> Kinds() => new() { "memory", "file", "flash", "registry" };

    private static ITransferableLicenseStore Open(string kind, string directory) => kind switch
    {
        "memory" => new MemoryLicenseStore(),
        "file" => new FileLicenseStore(Path.Combine(directory, "licenses.store"), s_device),
        "flash" => new FlashLicenseStore(new EmulatedFlash(new FlashGeometry(1, 4096), 64 * 1024), 0, 64 * 1024, s_device),
        _ => new RegistryLicenseStore(new MemoryRegistry(), s_device),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReplaceContentsKeepsEveryByteAndReadContentsReturnsThem(string kind)
    {
        string directory = TempDirectory();
        ITransferableLicenseStore store = Open(kind, directory);
        store.Save(new LicenseStoreUpdate(Hwid(1), License(KeyC, 0x33), null));

        store.ReplaceContents(Sample());

        Assert.True(Sample().ContentEquals(store.ReadContents()), kind);
        Assert.True(SameContent(Sample().ToSnapshot(s_device), store.Load()), kind);
        store.ReplaceContents(LicenseStoreContents.Empty);
        Assert.True(store.ReadContents().IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReadContentsShowsAClonesHwidThatLoadHides(string kind)
    {
        ITransferableLicenseStore store = Open(kind, TempDirectory());
        var foreign = new LicenseStoreContents(Hwid(5), Fingerprint("another unit"), [License(KeyA, 0x44)]);

        store.ReplaceContents(foreign);

        Assert.Null(kind == "memory" ? null : store.Load().HardwareId);
        Assert.True(foreign.ContentEquals(store.ReadContents()));
        Assert.True(store.ReadContents().IsCloneOn(s_device));
    }

    [Fact]
    public void TheJsonExportRoundTripsAnyContents()
    {
        Gen<StoredLicense> license = Gen.Select(Gen.UInt, Gen.Char['a', 'z'].Array[1, 20], Gen.Byte.Array[1, 2000], Gen.Long[0, 4_000_000_000_000L],
            (version, scope, info, ms) => new StoredLicense(new LicenseKey(version, new string(scope), "Microsoft Corporation", "A02"), info, DateTimeOffset.FromUnixTimeMilliseconds(ms)));
        Gen<LicenseStoreContents> contents = Gen.Select(Gen.Bool, Gen.Byte.Array[16], Gen.Bool, license.Array[0, 6], (hasHwid, data, hasPrint, licenses) =>
            new LicenseStoreContents(hasHwid ? new ClientHardwareId(0x04010000, data) : null, hasHwid && hasPrint ? new DeviceFingerprint(data) : null, licenses.DistinctBy(l => l.Key).ToArray()));

        contents.Sample(c =>
        {
            byte[] json = LicenseStoreJson.Write(c);
            Assert.True(LicenseStoreJson.TryRead(json, out LicenseStoreContents back, out string error), error);
            Assert.True(c.ContentEquals(back));
            Assert.Equal(json, LicenseStoreJson.Write(back));
        });
    }

    [Fact]
    public void EveryTruncationAndByteChangeOfAnExportIsRefusedOrReadNeverThrown()
    {
        byte[] json = LicenseStoreJson.Write(Sample());
        // Every prefix that cuts into the object (the trailing newline is not part of it).
        for (int length = 0; length < json.Length - 1; length++)
        {
            Assert.False(LicenseStoreJson.TryRead(json.AsSpan(0, length), out _, out string error), $"prefix {length}");
            Assert.NotEmpty(error);
        }

        var random = new Random(4);
        for (int i = 0; i < 3000; i++)
        {
            byte[] mutated = (byte[])json.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            _ = LicenseStoreJson.TryRead(mutated, out _, out _);
        }
    }

    [Theory]
    [InlineData("{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"hwid\":\"00\",\"licenses\":[]}", "$.hwid")]
    [InlineData("{\"format\":\"tsthinlic-license-store\",\"formatVersion\":2,\"licenses\":[]}", "$.formatVersion")]
    [InlineData("{\"format\":\"other\",\"formatVersion\":1,\"licenses\":[]}", "$.format")]
    [InlineData("{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"hwid\":null,\"deviceFingerprint\":\"00112233445566778899aabbccddeeff\",\"licenses\":[]}", "$.deviceFingerprint")]
    [InlineData("{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"licenses\":[{\"version\":1,\"scope\":\"s\",\"companyName\":\"c\",\"productId\":\"p\",\"storedAt\":\"2026-01-01T00:00:00.000Z\",\"clientLicense\":\"\"}]}", "$.licenses[0].clientLicense")]
    [InlineData("{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"licenses\":[{\"version\":-1,\"scope\":\"s\",\"companyName\":\"c\",\"productId\":\"p\",\"storedAt\":\"2026-01-01T00:00:00.000Z\",\"clientLicense\":\"AA==\"}]}", "$.licenses[0].version")]
    public void AMalformedExportNamesTheField(string json, string field)
    {
        Assert.False(LicenseStoreJson.TryRead(System.Text.Encoding.UTF8.GetBytes(json), out _, out string error));
        Assert.StartsWith(field, error, StringComparison.Ordinal);
    }

    [Fact]
    public void EachKindOfImageIsToldFromItsBytes()
    {
        var geometry = new FlashGeometry(1, 4096);
        string directory = TempDirectory();
        var file = new FileLicenseStore(Path.Combine(directory, "licenses.store"), s_device);
        file.ReplaceContents(Sample());
        var flash = new FlashLicenseStore(new EmulatedFlash(geometry, 32 * 1024), 0, 32 * 1024, s_device);
        flash.ReplaceContents(Sample());
        var hive = new MemoryRegistry();
        new RegistryLicenseStore(hive, s_device).ReplaceContents(Sample());

        (byte[] Image, LicenseStoreImageFormat Format)[] images =
        [
            (LicenseStoreJson.Write(Sample()), LicenseStoreImageFormat.Json),
            (RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey)), LicenseStoreImageFormat.Reg),
            (file.ReadImage()!, LicenseStoreImageFormat.FileStore),
            (flash.ReadImage(), LicenseStoreImageFormat.FlashPartition),
        ];
        foreach ((byte[] image, LicenseStoreImageFormat expected) in images)
        {
            Assert.True(LicenseStoreImage.TryRead(image, geometry, out LicenseStoreImageFormat format, out LicenseStoreContents contents, out string error), $"{expected}: {error}");
            Assert.Equal(expected, format);
            Assert.True(Sample().ContentEquals(contents), expected.ToString());
        }

        Assert.False(LicenseStoreImage.TryRead(new byte[100], geometry, out _, out _, out string garbage));
        Assert.Contains("not a JSON export", garbage, StringComparison.Ordinal);
        Assert.False(LicenseStoreImage.TryRead([], geometry, out _, out _, out _));
    }

    [Fact]
    public void AFlashImageGoesBackByteForByteAndAPowerCutAtAnyStepLeavesTheOldOrTheRestoredContents()
    {
        var geometry = new FlashGeometry(1, 4096);
        const long Size = 32 * 1024;
        // The image: two generations (the newest in slot B), then a store that moved on (newest in slot A).
        var source = new EmulatedFlash(geometry, Size);
        var sourceStore = new FlashLicenseStore(source, 0, Size, s_device);
        sourceStore.ReplaceContents(new LicenseStoreContents(Hwid(2), s_device, [License(KeyA, 0x01)]));
        sourceStore.ReplaceContents(Sample());
        byte[] image = sourceStore.ReadImage();
        var oldContents = new LicenseStoreContents(Hwid(9), s_device, [License(KeyC, 0x09)]);

        foreach (int priorCommits in new[] { 0, 1, 2, 3 })
        {
            var reference = new EmulatedFlash(geometry, Size);
            var referenceStore = new FlashLicenseStore(reference, 0, Size, s_device);
            for (int i = 0; i < priorCommits; i++)
            {
                referenceStore.ReplaceContents(oldContents);
            }

            byte[] before = reference.ToArray();
            LicenseStoreContents old = referenceStore.ReadContents();
            int operationsBefore = reference.OperationCount;
            referenceStore.RestoreImage(image);
            Assert.Equal(image, reference.ToArray());
            int operations = reference.OperationCount - operationsBefore;

            for (int k = 0; k < operations; k++)
            {
                foreach (int torn in new[] { -1, 0, 7, 100 })
                {
                    var flash = new EmulatedFlash(geometry, Size);
                    flash.Load(before);
                    flash.CutPowerAfter(k, torn);
                    Assert.Throws<PowerCutException>(() => new FlashLicenseStore(flash, 0, Size, s_device).RestoreImage(image));
                    flash.PowerOn();
                    LicenseStoreContents loaded = new FlashLicenseStore(flash, 0, Size, s_device).ReadContents();
                    Assert.True(loaded.ContentEquals(old) || loaded.ContentEquals(Sample()), $"{priorCommits} prior commits, cut after {k}, torn {torn}");
                }
            }
        }
    }

    [Fact]
    public void AFileImageGoesBackByteForByteAndAPowerCutAtAnyStepLeavesTheOldOrTheRestoredContents()
    {
        const string StorePath = "/store/licenses.store";
        var source = new FileLicenseStore(StorePath, new FaultyFileSystem(), s_device);
        source.ReplaceContents(Sample());
        byte[] image = source.ReadImage()!;
        var oldContents = new LicenseStoreContents(Hwid(9), s_device, [License(KeyC, 0x09)]);

        foreach (int priorCommits in new[] { 0, 1, 2, 5 })
        {
            var reference = new FaultyFileSystem();
            var referenceStore = new FileLicenseStore(StorePath, reference, s_device);
            for (int i = 0; i < priorCommits; i++)
            {
                referenceStore.ReplaceContents(oldContents);
            }

            Dictionary<string, byte[]> before = reference.Snapshot();
            LicenseStoreContents old = referenceStore.ReadContents();
            var probe = new FaultyFileSystem(before);
            new FileLicenseStore(StorePath, probe, s_device).RestoreImage(image);
            Assert.Equal(image, probe.ReadAll(StorePath));
            Assert.True(new FileLicenseStore(StorePath, probe, s_device).ReadContents().ContentEquals(Sample()));

            for (int k = 0; k < probe.OperationCount; k++)
            {
                foreach (int torn in new[] { -1, 0, 9 })
                {
                    var files = new FaultyFileSystem(before);
                    files.CutPowerAfter(k, torn);
                    try
                    {
                        new FileLicenseStore(StorePath, files, s_device).RestoreImage(image);
                    }
                    catch (PowerCutException)
                    {
                    }

                    files.PowerOn();
                    LicenseStoreContents loaded = new FileLicenseStore(StorePath, files, s_device).ReadContents();
                    Assert.True(loaded.ContentEquals(old) || loaded.ContentEquals(Sample()), $"{priorCommits} prior commits, cut after {k}, torn {torn}");
                }
            }
        }
    }

    [Fact]
    public void ARestoreRefusesAnImageThatIsNotAStoreAndChangesNothing()
    {
        var flash = new EmulatedFlash(new FlashGeometry(1, 4096), 32 * 1024);
        var store = new FlashLicenseStore(flash, 0, 32 * 1024, s_device);
        store.ReplaceContents(Sample());
        byte[] before = flash.ToArray();

        Assert.Throws<LicenseStoreException>(() => store.RestoreImage(new byte[32 * 1024]));
        Assert.Throws<LicenseStoreException>(() => store.RestoreImage(new byte[100]));
        Assert.Equal(before, flash.ToArray());

        var files = new FaultyFileSystem();
        var file = new FileLicenseStore("/s/licenses.store", files, s_device);
        file.ReplaceContents(Sample());
        byte[] fileBefore = files.ReadAll("/s/licenses.store")!;
        byte[] damaged = (byte[])fileBefore.Clone();
        damaged[^10] ^= 0x40;
        Assert.Throws<LicenseStoreException>(() => file.RestoreImage(damaged));
        Assert.Equal(fileBefore, files.ReadAll("/s/licenses.store"));
    }

    [Fact]
    public void ARegistryTreeCopiesAndReplacesValueForValue()
    {
        var source = new MemoryRegistry();
        new RegistryLicenseStore(source, s_device).ReplaceContents(Sample());
        source.CreateKey(RegistryLicenseStore.RootKey + @"\Empty");
        string text = RegFile.Write(source, RegistryLicenseStore.RootKey);

        MemoryRegistry copy = RegistryTree.Copy(source, RegistryLicenseStore.RootKey);
        Assert.Equal(text, RegFile.Write(copy, RegistryLicenseStore.RootKey));

        var target = new MemoryRegistry();
        new RegistryLicenseStore(target, s_device).ReplaceContents(new LicenseStoreContents(Hwid(3), s_device, [License(KeyC, 0x03)]));
        target.SetValue(@"SOFTWARE\Other", "Keep", RegistryValue.DWord(1));
        RegistryTree.Replace(target, copy, RegistryLicenseStore.RootKey);
        Assert.Equal(text, RegFile.Write(target, RegistryLicenseStore.RootKey));
        Assert.NotNull(target.GetValue(@"SOFTWARE\Other", "Keep"));

        RegistryTree.Replace(target, new MemoryRegistry(), RegistryLicenseStore.RootKey);
        Assert.False(target.KeyExists(RegistryLicenseStore.RootKey));
    }
}
