using Microsoft.Extensions.Logging;
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
/// Corruption (issue 3, item 6): a record that fails its checks is treated as absent, logged at Warning with the reason
/// (event 300), and reported by Verify(); and a cloned image notices it is a clone (event 301).
/// </summary>
public sealed class StoreCorruptionTests
{
    private static readonly FlashGeometry s_nor = new(1, 4096);

    [Fact]
    public void FlashSlotWithABadCrcIsIgnoredLoggedAndReported()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        store.Save(new LicenseStoreUpdate(Hwid(1), null, null));
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 1), null)); // slot B, sequence 2
        flash.FlipBit(4096 + StoreEnvelope.HeaderLength + 3, 0);          // a payload byte of slot B
        var logger = new CapturingLogger();

        var reopened = new FlashLicenseStore(flash, 0, flash.Size, logger: logger);
        LicenseStoreSnapshot loaded = reopened.Load();
        StoreVerification verification = reopened.Verify();

        Assert.Equal(Hwid(1), loaded.HardwareId);
        Assert.Empty(loaded.Licenses);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(300, warning.Id.Id);
        Assert.Contains("CRC-32", warning.Message, StringComparison.Ordinal);
        Assert.False(verification.IsHealthy);
        Assert.Contains(verification.Findings, f => f.Kind == StoreFindingKind.Corrupt && f.Record.StartsWith("slot B", StringComparison.Ordinal) && f.Detail.Contains("CRC-32", StringComparison.Ordinal));
        Assert.Contains(verification.Findings, f => f.Kind == StoreFindingKind.Valid && f.Record.StartsWith("slot A", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUncommittedSlotIsNotThere()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        new FlashLicenseStore(flash, 0, flash.Size).Save(new LicenseStoreUpdate(Hwid(1), null, null));
        byte[] body = StoreEnvelope.BuildBody(7, StorePayload.Encode(new StoreContent(Hwid(2), null, [])), 1);
        flash.Program(4096, body); // header and payload of a newer snapshot, no commit marker

        var store = new FlashLicenseStore(flash, 0, flash.Size);

        Assert.Equal(Hwid(1), store.Load().HardwareId);
        Assert.Contains(store.Verify().Findings, f => f.Detail.Contains("commit marker", StringComparison.Ordinal));
    }

    [Fact]
    public void SequencesCompareWithSerialNumberArithmetic()
    {
        Assert.True(StoreEnvelope.IsNewer(1, 0));
        Assert.True(StoreEnvelope.IsNewer(0, uint.MaxValue));
        Assert.True(StoreEnvelope.IsNewer(5, uint.MaxValue - 5));
        Assert.False(StoreEnvelope.IsNewer(uint.MaxValue, 0));
        Assert.False(StoreEnvelope.IsNewer(3, 3));
    }

    [Fact]
    public void TheNewestSlotWinsAcrossTheSequenceWrap()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        flash.Program(0, Envelope(uint.MaxValue, Hwid(1)));
        flash.Program(4096, Envelope(0, Hwid(2)));

        Assert.Equal(Hwid(2), new FlashLicenseStore(flash, 0, flash.Size).Load().HardwareId);
    }

    private static byte[] Envelope(uint sequence, TsThinLic.Pdu.ClientHardwareId hwid)
    {
        byte[] payload = StorePayload.Encode(new StoreContent(hwid, null, []));
        return [.. StoreEnvelope.BuildBody(sequence, payload, 1), .. StoreEnvelope.BuildMarker(1)];
    }

    [Fact]
    public void HostilePayloadLengthsAreRejectedWithFieldAndOffset()
    {
        byte[] payload = StorePayload.Encode(new StoreContent(Hwid(1), null, [License(KeyA, 1)]));
        Assert.True(StorePayload.TryDecode(payload, out _, out _));
        for (int cut = 0; cut < payload.Length; cut++)
        {
            Assert.False(StorePayload.TryDecode(payload.AsSpan(0, cut), out _, out string reason));
            Assert.Contains("offset", reason, StringComparison.Ordinal);
        }

        byte[] tooMany = (byte[])payload.Clone();
        tooMany[1] = 200;
        Assert.False(StorePayload.TryDecode(tooMany, out _, out string countReason));
        Assert.Contains("license count 200", countReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatFailsItsChecksFallsBackToThePreviousGeneration()
    {
        string directory = TempDirectory();
        try
        {
            string path = Path.Combine(directory, "licenses.store");
            var store = new FileLicenseStore(path);
            store.Save(new LicenseStoreUpdate(Hwid(1), null, null));
            store.Save(new LicenseStoreUpdate(null, License(KeyA, 1), null));
            byte[] bytes = File.ReadAllBytes(path);
            bytes[^10] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            var logger = new CapturingLogger();

            var reopened = new FileLicenseStore(path, logger: logger);

            Assert.Equal(Hwid(1), reopened.Load().HardwareId);
            Assert.Empty(reopened.Load().Licenses);
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 300);
            Assert.Contains(reopened.Verify().Findings, f => f.Kind == StoreFindingKind.Corrupt && f.Record == path);
            Assert.Contains(reopened.Verify().Findings, f => f.Kind == StoreFindingKind.Valid && f.Record == path + ".prev");

            // Licensing afresh repairs it.
            reopened.Save(new LicenseStoreUpdate(null, License(KeyA, 2), null));
            Assert.True(new FileLicenseStore(path).Verify().IsHealthy);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ARegistryRecordOfTheWrongShapeIsAbsentAndReported()
    {
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive);
        store.Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
        hive.SetValue(RegistryLicenseStore.HardwareIdKey, RegistryLicenseStore.ClientHwidValue, RegistryValue.Binary(new byte[7]));
        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE005", RegistryLicenseStore.ClientLicenseValue, RegistryValue.Binary(new byte[3]));
        var logger = new CapturingLogger();

        var reopened = new RegistryLicenseStore(hive, logger: logger);
        LicenseStoreSnapshot loaded = reopened.Load();

        Assert.Null(loaded.HardwareId);
        Assert.Single(loaded.Licenses);
        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Id.Id == 300));
        StoreVerification verification = reopened.Verify();
        Assert.Contains(verification.Findings, f => f.Kind == StoreFindingKind.Corrupt && f.Record == @"HardwareID\ClientHWID" && f.Detail.Contains("7 bytes", StringComparison.Ordinal));
        Assert.Contains(verification.Findings, f => f.Kind == StoreFindingKind.Corrupt && f.Record == @"Store\LICENSE005" && f.Detail.Contains("incomplete", StringComparison.Ordinal));
    }

    public static TheoryData<string> PersistentStores() => ["flash", "file", "registry"];

    [Theory]
    [MemberData(nameof(PersistentStores))]
    public void AClonedImageDropsTheHwidAndItsCalsAndMakesItsOwn(string kind)
    {
        string directory = TempDirectory();
        try
        {
            var flash = new EmulatedFlash(s_nor, 2 * 4096);
            var hive = new MemoryRegistry();
            hive.CreateKey(RegistryLicenseStore.RootKey);
            hive.SetAccessRules(RegistryLicenseStore.RootKey, [new("S-1-5-18", true, RegistryAccessRule.FullControl), new("S-1-5-32-544", true, RegistryAccessRule.FullControl)]);
            string path = Path.Combine(directory, "licenses.store");
            IVerifiableLicenseStore Open(DeviceFingerprint device, ILogger? logger = null) => kind switch
            {
                "flash" => new FlashLicenseStore(flash, 0, flash.Size, device, logger),
                "file" => new FileLicenseStore(path, device, logger),
                _ => new RegistryLicenseStore(hive, device, logger),
            };

            DeviceFingerprint original = Fingerprint("SN-ORIGINAL");
            DeviceFingerprint clone = Fingerprint("SN-CLONE");
            Open(original).Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
            var logger = new CapturingLogger();

            // The image is copied to another device: it sees another fingerprint.
            IVerifiableLicenseStore onClone = Open(clone, logger);
            Assert.Null(onClone.Load().HardwareId);
            Assert.Empty(onClone.Load().Licenses);
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 301);
            Assert.Contains(onClone.Verify().Findings, f => f.Kind == StoreFindingKind.Clone);

            // Its first exchange stores its own HWID and CAL; the source device's CAL is gone with its HWID.
            onClone.Save(new LicenseStoreUpdate(Hwid(2), License(KeyB, 2), null));
            LicenseStoreSnapshot mine = Open(clone).Load();
            Assert.Equal(Hwid(2), mine.HardwareId);
            Assert.Equal([KeyB], mine.Licenses.Select(l => l.Key));
            Assert.True(Open(clone).Verify().IsHealthy);

        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AHwidWithoutAFingerprintIsKept()
    {
        // A key written by Windows' own client has no fingerprint: it is adopted, not treated as a clone.
        var hive = new MemoryRegistry();
        hive.SetValue(RegistryLicenseStore.HardwareIdKey, RegistryLicenseStore.ClientHwidValue, RegistryValue.Binary(Hwid(3).ToArray()));
        var store = new RegistryLicenseStore(hive, Fingerprint("SN-1"));

        Assert.Equal(Hwid(3), store.Load().HardwareId);
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 1), null));
        Assert.Equal(Hwid(3), new RegistryLicenseStore(hive, Fingerprint("SN-1")).Load().HardwareId);
    }

    [Theory]
    [MemberData(nameof(PersistentStores))]
    public void AHostileKeyStringIsRefusedAndNothingIsWritten(string kind)
    {
        string directory = TempDirectory();
        try
        {
            var flash = new EmulatedFlash(s_nor, 2 * 4096);
            var hive = new MemoryRegistry();
            ILicenseStore store = kind switch
            {
                "flash" => new FlashLicenseStore(flash, 0, flash.Size),
                "file" => new FileLicenseStore(Path.Combine(directory, "licenses.store")),
                _ => new RegistryLicenseStore(hive),
            };
            store.Save(new LicenseStoreUpdate(Hwid(1), null, null));
            byte[] flashBefore = flash.ToArray();
            MemoryRegistry hiveBefore = hive.Clone();
            var hostile = new LicenseKey(1, new string('s', 5000), "c", "p");

            Assert.Throws<LicenseStoreException>(() => store.Save(new LicenseStoreUpdate(null, License(hostile, 1), null)));

            Assert.Equal(flashBefore, flash.ToArray());
            Assert.True(hive.ContentEquals(hiveBefore));
            Assert.Equal(Hwid(1), store.Load().HardwareId);
            Assert.Empty(store.Load().Licenses);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
