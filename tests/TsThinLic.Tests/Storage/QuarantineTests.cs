using Microsoft.Extensions.Logging;
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
/// DESIGN.md, failure semantics (issue 11, part 1): a record that fails its checks is quarantined, not overwritten. The
/// damaged image is kept beside the store byte for byte, bounded, with its time and reason; a Warning names it; the
/// device still licenses afresh; the old HWID and CAL can be read back out of the copy. On flash a damaged slot is
/// never erased before the other slot or the quarantine holds a committed copy. Reading never writes.
/// </summary>
public sealed class QuarantineTests
{
    private const string StorePath = "/store/licenses.store";
    private static readonly FlashGeometry s_nor = new(1, 4096);
    private static readonly DateTimeOffset s_when = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static StoreQuarantine QuarantineOn(FaultyFileSystem files, string directory, TimeProvider? time = null, int maxKept = StoreQuarantine.DefaultMaxKept)
        => new(directory, files, time ?? new ManualTimeProvider(s_when), maxKept);

    /// <summary>A store file holding HWID 0x11 and one CAL, with one bit flipped and no previous generation.</summary>
    private static (FaultyFileSystem Files, byte[] Damaged) DamagedFileStore()
    {
        var files = new FaultyFileSystem();
        var store = new FileLicenseStore(StorePath, files, quarantine: QuarantineOn(files, StorePath + ".quarantine"));
        store.Save(new LicenseStoreUpdate(Hwid(0x11), License(KeyA, 0x40), null));
        Dictionary<string, byte[]> state = files.Snapshot();
        byte[] damaged = state[StorePath];
        damaged[^20] ^= 0x04; // a byte of the CAL: the CRC-32 no longer matches
        state[StorePath] = damaged;
        return (new FaultyFileSystem(state), damaged);
    }

    [Fact]
    public void AFileStoreWithAFlippedBitAndNoPreviousGenerationIsQuarantinedBeforeTheDeviceLicensesAfresh()
    {
        (FaultyFileSystem files, byte[] damaged) = DamagedFileStore();
        var logger = new CapturingLogger();
        StoreQuarantine quarantine = QuarantineOn(files, StorePath + ".quarantine");
        var store = new FileLicenseStore(StorePath, files, logger: logger, quarantine: quarantine);

        // Reading reports the damage and writes nothing.
        Assert.Null(store.Load().HardwareId);
        StoreVerification before = store.Verify();
        Assert.Contains(before.Findings, f => f.Kind == StoreFindingKind.Corrupt && f.Record == StorePath && f.Detail.Contains("CRC-32", StringComparison.Ordinal) && f.Detail.Contains(".quarantine", StringComparison.Ordinal));
        Assert.Equal(0, files.OperationCount);

        // The first use makes a new HWID: the damaged file is kept first, byte for byte, with a note.
        LicenseStoreSnapshot fresh = store.LoadOrCreateHardwareId(() => Hwid(0x22), out bool created);

        Assert.True(created);
        Assert.Equal(Hwid(0x22), fresh.HardwareId);
        QuarantinedImage kept = Assert.Single(quarantine.Kept);
        Assert.Equal(damaged, files.ReadAll(kept.Path));
        Assert.Equal("/store/licenses.store.quarantine/20260601T080000.000Z.store", kept.Path);
        Assert.Equal(s_when, kept.Time);
        Assert.Contains("CRC-32", kept.Reason, StringComparison.Ordinal);
        Assert.Contains("no valid generation was left", kept.Reason, StringComparison.Ordinal);
        string note = System.Text.Encoding.UTF8.GetString(files.ReadAll(kept.Path + ".txt")!);
        Assert.Contains("time: 2026-06-01T08:00:00.000Z", note, StringComparison.Ordinal);
        Assert.Contains("reason: licenses.store: envelope: CRC-32", note, StringComparison.Ordinal);
        var warning = Assert.Single(logger.Entries, e => e.Id.Id == 308);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(kept.Path, warning.Message, StringComparison.Ordinal);

        // The store works again, says where the copy is, and the copy still holds the old HWID and CAL.
        var reopened = new FileLicenseStore(StorePath, files, quarantine: QuarantineOn(files, StorePath + ".quarantine"));
        StoreVerification after = reopened.Verify();
        Assert.True(after.IsHealthy);
        Assert.Equal(kept.Path, Assert.Single(after.Quarantined).Path);
        Assert.Contains("CRC-32", after.Quarantined[0].Reason, StringComparison.Ordinal);
        Assert.True(LicenseStoreImage.TrySalvage(files.ReadAll(kept.Path), s_nor, out LicenseStoreImageFormat format, out LicenseStoreContents salvaged, out string report));
        Assert.Equal(LicenseStoreImageFormat.FileStore, format);
        Assert.Equal(Hwid(0x11), salvaged.HardwareId);
        Assert.Equal(KeyA, Assert.Single(salvaged.Licenses).Key);
        Assert.Contains("envelope", report, StringComparison.Ordinal);
    }

    [Fact]
    public void AGenerationIsQuarantinedOnceAndOnlyWhenAWriteReplacesIt()
    {
        var files = new FaultyFileSystem();
        StoreQuarantine quarantine = QuarantineOn(files, StorePath + ".quarantine");
        var store = new FileLicenseStore(StorePath, files, quarantine: quarantine);
        store.Save(new LicenseStoreUpdate(Hwid(1), null, null));
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 1), null));
        Dictionary<string, byte[]> state = files.Snapshot();
        state[StorePath + ".prev"][30] ^= 1; // the previous generation is damaged; the current one is fine
        var damaged = new FaultyFileSystem(state);
        quarantine = QuarantineOn(damaged, StorePath + ".quarantine");
        store = new FileLicenseStore(StorePath, damaged, quarantine: quarantine);

        // The current generation wins; the damaged previous one is kept when the next commit moves PATH over it.
        Assert.Equal(KeyA, Assert.Single(store.Load().Licenses).Key);
        store.Save(new LicenseStoreUpdate(null, License(KeyB, 2), null));
        store.Save(new LicenseStoreUpdate(null, License(KeyC, 3), null));

        QuarantinedImage kept = Assert.Single(quarantine.Kept);
        Assert.Contains("licenses.store.prev", kept.Reason, StringComparison.Ordinal);
        Assert.Contains("went on with licenses.store", kept.Reason, StringComparison.Ordinal);
        Assert.True(new FileLicenseStore(StorePath, damaged).Verify().IsHealthy);
    }

    [Fact]
    public void TheQuarantineKeepsTheNewestFewAndSaysWhen()
    {
        var files = new FaultyFileSystem();
        var time = new ManualTimeProvider(s_when);
        StoreQuarantine quarantine = QuarantineOn(files, "/q", time, maxKept: 3);

        for (int i = 0; i < 5; i++)
        {
            quarantine.Keep([(byte)i], ".store", "file /s", $"damage {i}");
            time.Advance(TimeSpan.FromMinutes(1));
        }

        IReadOnlyList<QuarantinedImage> listed = quarantine.List();
        Assert.Equal(["damage 4", "damage 3", "damage 2"], listed.Select(q => q.Reason));
        Assert.Equal([s_when.AddMinutes(4), s_when.AddMinutes(3), s_when.AddMinutes(2)], listed.Select(q => q.Time));
        Assert.Equal(6, files.Snapshot().Count); // three copies and their notes, nothing else
        Assert.All(listed, q => Assert.Equal(1, q.Length));
    }

    [Fact]
    public void AQuarantineThatCannotBeWrittenStopsTheWriteAndLeavesEverythingAsItWas()
    {
        (FaultyFileSystem files, byte[] damaged) = DamagedFileStore();
        files.Refuse((operation, path) => operation == "write" && path.Contains(".quarantine", StringComparison.Ordinal) ? 28 /* ENOSPC */ : null);
        var store = new FileLicenseStore(StorePath, files, quarantine: QuarantineOn(files, StorePath + ".quarantine"));

        LicenseStoreException error = Assert.Throws<LicenseStoreException>(() => store.LoadOrCreateHardwareId(() => Hwid(0x22), out _));

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was overwritten", error.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, files.ReadAll(StorePath));
        Assert.Equal([StorePath], files.Snapshot().Keys); // no temporary file, no half copy
    }

    /// <summary>A two-slot NOR partition whose both slots were committed, then damaged.</summary>
    private static (EmulatedFlash Flash, byte[] Damaged) DamagedFlash()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        store.Save(new LicenseStoreUpdate(Hwid(0x11), null, null));                  // slot A, sequence 1
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 0x40), null));           // slot B, sequence 2
        flash.FlipBit(StoreEnvelope.HeaderLength + 5, 2);                             // slot A's payload
        flash.FlipBit(4096 + StoreEnvelope.HeaderLength + 30, 6);                     // slot B's payload
        return (flash, flash.ToArray());
    }

    [Fact]
    public void AFlashImageWhoseSlotsBothFailIsQuarantinedBeforeAnySlotIsErased()
    {
        (EmulatedFlash flash, byte[] damaged) = DamagedFlash();
        var files = new FaultyFileSystem();
        StoreQuarantine quarantine = QuarantineOn(files, "/img.quarantine");
        var logger = new CapturingLogger();
        // The medium checks, at each erase or program, that the copy is already safe in the quarantine.
        var watched = new WatchedFlash(flash, () => Assert.Single(quarantine.List()));
        var store = new FlashLicenseStore(watched, 0, flash.Size, logger: logger, quarantine: quarantine);

        Assert.Null(store.Load().HardwareId);
        Assert.Equal(2, store.Verify().Findings.Count(f => f.Kind == StoreFindingKind.Corrupt));
        Assert.Equal(0, watched.Writes);

        store.LoadOrCreateHardwareId(() => Hwid(0x22), out bool created);

        Assert.True(created);
        Assert.True(watched.Writes > 0);
        QuarantinedImage kept = Assert.Single(quarantine.Kept);
        Assert.Equal(damaged, files.ReadAll(kept.Path));
        Assert.EndsWith(".bin", kept.Path, StringComparison.Ordinal);
        Assert.Contains("slot A: ", kept.Reason, StringComparison.Ordinal);
        Assert.Contains("slot B: ", kept.Reason, StringComparison.Ordinal);
        Assert.Contains("no valid slot was left", kept.Reason, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 308);
        Assert.Equal(Hwid(0x22), new FlashLicenseStore(flash, 0, flash.Size).Load().HardwareId);

        // Slot B (the newest, sequence 2) still yields the old HWID and the CAL before the damage.
        Assert.True(LicenseStoreImage.TrySalvage(files.ReadAll(kept.Path), s_nor, out LicenseStoreImageFormat format, out LicenseStoreContents salvaged, out string report));
        Assert.Equal(LicenseStoreImageFormat.FlashPartition, format);
        Assert.Equal(Hwid(0x11), salvaged.HardwareId);
        Assert.Contains("slot B (sequence 2)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOneDamagedSlotTheCommitGoesToItOnlyAfterTheCopyAndTheOtherSlotStaysCommitted()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        store.Save(new LicenseStoreUpdate(Hwid(0x11), null, null));        // slot A
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 1), null));    // slot B (newest)
        flash.FlipBit(StoreEnvelope.HeaderLength + 2, 0);                   // slot A damaged: the older one
        var files = new FaultyFileSystem();
        StoreQuarantine quarantine = QuarantineOn(files, "/img.quarantine");
        byte[] slotB = flash.ToArray()[4096..];
        var watched = new WatchedFlash(flash, () =>
        {
            // Before slot A is erased: slot B is untouched and committed, and the partition is in the quarantine.
            Assert.Equal(slotB, flash.ToArray()[4096..]);
            Assert.Single(quarantine.List());
        });

        new FlashLicenseStore(watched, 0, flash.Size, quarantine: quarantine).Save(new LicenseStoreUpdate(null, License(KeyB, 2), null));

        Assert.Single(quarantine.Kept);
        Assert.Equal(2, new FlashLicenseStore(flash, 0, flash.Size).Load().Licenses.Count);
    }

    [Fact]
    public void ASlotThatOnlyHoldsAnInterruptedWriteIsNotQuarantined()
    {
        var flash = new EmulatedFlash(s_nor, 2 * 4096);
        new FlashLicenseStore(flash, 0, flash.Size).Save(new LicenseStoreUpdate(Hwid(1), null, null));
        byte[] body = StoreEnvelope.BuildBody(7, StorePayload.Encode(new StoreContent(Hwid(2), null, [])), 1);
        flash.Program(4096, body); // header and payload of a newer snapshot, no commit marker: a power cut
        var files = new FaultyFileSystem();
        StoreQuarantine quarantine = QuarantineOn(files, "/img.quarantine");

        new FlashLicenseStore(flash, 0, flash.Size, quarantine: quarantine).Save(new LicenseStoreUpdate(null, License(KeyA, 1), null));

        Assert.Empty(quarantine.Kept);
        Assert.Empty(files.Snapshot());
        Assert.True(StoreEnvelope.IsUncommittedWrite(body.Concat(Enumerable.Repeat((byte)0xFF, 64)).ToArray(), 1));
    }

    [Fact]
    public void WithTwoDamagedSlotsAndAnErasedOneTheCommitTakesTheErasedOne()
    {
        var flash = new EmulatedFlash(s_nor, 3 * 4096 * 2);
        var store = new FlashLicenseStore(flash, 0, flash.Size); // two slots of 3 units
        store.Save(new LicenseStoreUpdate(Hwid(0x11), null, null)); // slot A only
        flash.FlipBit(StoreEnvelope.HeaderLength + 1, 1);
        byte[] slotA = flash.ToArray()[..(3 * 4096)];
        var files = new FaultyFileSystem();

        new FlashLicenseStore(flash, 0, flash.Size, quarantine: QuarantineOn(files, "/q")).LoadOrCreateHardwareId(() => Hwid(0x22), out _);

        // The damaged slot A was not erased: slot B, erased, took the commit; nothing needed a copy yet.
        Assert.Equal(slotA, flash.ToArray()[..(3 * 4096)]);
        Assert.Empty(files.Snapshot());
        Assert.Equal(Hwid(0x22), new FlashLicenseStore(flash, 0, flash.Size).Load().HardwareId);
    }

    [Fact]
    public void ADamagedRegistryEntryIsQuarantinedAsARegBeforeAWriteRemovesItButAnIncompleteOneIsNot()
    {
        var hive = new MemoryRegistry();
        var files = new FaultyFileSystem();
        StoreQuarantine quarantine = QuarantineOn(files, "/reg.quarantine");
        var store = new RegistryLicenseStore(hive, quarantine: quarantine);
        store.Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
        // An interrupted write (no ClientLicense) is not damage; a ClientLicense of the wrong type is.
        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE005", RegistryLicenseStore.LicenseScopeValue, RegistryValue.Binary([0x41, 0]));
        store.Save(new LicenseStoreUpdate(null, License(KeyB, 2), null));
        Assert.Empty(quarantine.Kept);

        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE007", RegistryLicenseStore.ClientLicenseValue, RegistryValue.DWord(7));
        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE007", RegistryLicenseStore.LicenseScopeValue, RegistryValue.Binary([0x41, 0]));
        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE007", RegistryLicenseStore.CompanyNameValue, RegistryValue.Binary([0x41, 0, 0, 0]));
        hive.SetValue(RegistryLicenseStore.StoreKey + @"\LICENSE007", RegistryLicenseStore.ProductIdValue, RegistryValue.Binary([0x41, 0, 0, 0]));
        store.Save(new LicenseStoreUpdate(null, License(KeyC, 3), null));

        QuarantinedImage kept = Assert.Single(quarantine.Kept);
        Assert.EndsWith(".reg", kept.Path, StringComparison.Ordinal);
        Assert.Contains(@"Store\LICENSE007", kept.Reason, StringComparison.Ordinal);
        Assert.True(RegFile.TryRead(RegFile.Decode(files.ReadAll(kept.Path)), out MemoryRegistry copy, out _));
        Assert.Equal(RegistryValueType.DWord, copy.GetValue(RegistryLicenseStore.StoreKey + @"\LICENSE007", RegistryLicenseStore.ClientLicenseValue)!.Type);
        Assert.False(hive.KeyExists(RegistryLicenseStore.StoreKey + @"\LICENSE007"));
    }

    [Fact]
    public void WithoutAQuarantineAFlashStoreSaysItDiscardsTheDamagedSlot()
    {
        (EmulatedFlash flash, _) = DamagedFlash();
        var logger = new CapturingLogger();

        new FlashLicenseStore(flash, 0, flash.Size, logger: logger).LoadOrCreateHardwareId(() => Hwid(3), out _);

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 309);
    }

    /// <summary>Passes everything through; before each erase or program runs <c>check</c> (a test's "is the copy safe yet").</summary>
    private sealed class WatchedFlash(IFlashDevice inner, Action check) : IFlashDevice
    {
        public int Writes { get; private set; }

        public FlashGeometry Geometry => inner.Geometry;

        public long Size => inner.Size;

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Program(long offset, ReadOnlySpan<byte> data)
        {
            check();
            Writes++;
            inner.Program(offset, data);
        }

        public void Erase(long offset, long length)
        {
            check();
            Writes++;
            inner.Erase(offset, length);
        }
    }
}
