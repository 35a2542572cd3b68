using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// The contract every <see cref="ILicenseStore"/> keeps. A persistent store derives from this class and also
/// overrides <see cref="Reopen"/>, so every case is checked again after the store is opened anew.
/// </summary>
public abstract class LicenseStoreContractTests
{
    protected static readonly DateTimeOffset s_storedAt = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    protected static readonly LicenseKey s_keyA = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");
    protected static readonly LicenseKey s_keyB = new(0x00060000, "WORKGROUP", "Microsoft Corporation", "A02");
    protected static readonly LicenseKey s_keyC = new(0x000A0001, "microsoft.com", "Microsoft Corporation", "A02");

    /// <summary>A new, empty store.</summary>
    protected abstract ILicenseStore CreateStore();

    /// <summary>The same store opened anew (a reboot). A store that is not persistent returns it as it is.</summary>
    protected virtual ILicenseStore Reopen(ILicenseStore store) => store;

    protected static ClientHardwareId Hwid(byte fill) => new(0x04010000, Enumerable.Repeat(fill, 16).ToArray());

    protected static StoredLicense License(LicenseKey key, byte fill, int length = 1945)
        => new(key, Enumerable.Repeat(fill, length).ToArray(), s_storedAt);

    [Fact]
    public void NewStoreIsEmpty()
    {
        LicenseStoreSnapshot snapshot = CreateStore().Load();

        Assert.Null(snapshot.HardwareId);
        Assert.Empty(snapshot.Licenses);
    }

    [Fact]
    public void KeepsHardwareIdAlone()
    {
        ILicenseStore store = CreateStore();

        store.Save(new LicenseStoreUpdate(Hwid(1), null, null));

        Assert.Equal(Hwid(1), Reopen(store).Load().HardwareId);
        Assert.Empty(Reopen(store).Load().Licenses);
    }

    [Fact]
    public void KeepsHardwareIdAndLicenseTogether()
    {
        ILicenseStore store = CreateStore();

        store.Save(new LicenseStoreUpdate(Hwid(2), License(s_keyA, 0xAA), null));

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(Hwid(2), snapshot.HardwareId);
        StoredLicense stored = Assert.Single(snapshot.Licenses);
        Assert.True(stored.ContentEquals(License(s_keyA, 0xAA)));
    }

    [Fact]
    public void LicenseWithoutHardwareIdKeepsTheStoredOne()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(3), null, null));

        store.Save(new LicenseStoreUpdate(null, License(s_keyA, 0x01), null));

        Assert.Equal(Hwid(3), Reopen(store).Load().HardwareId);
    }

    [Fact]
    public void SameKeyReplacesTheLicense()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(4), License(s_keyA, 0x01), null));

        store.Save(new LicenseStoreUpdate(null, License(s_keyA, 0x02, 100), null));

        StoredLicense stored = Assert.Single(Reopen(store).Load().Licenses);
        Assert.True(stored.ContentEquals(License(s_keyA, 0x02, 100)));
    }

    [Fact]
    public void OtherKeysAreKeptSideBySide()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(5), License(s_keyA, 0x01), null));

        store.Save(new LicenseStoreUpdate(null, License(s_keyB, 0x02), null));

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(2, snapshot.Licenses.Count);
        Assert.True(snapshot.Find(s_keyA)!.ContentEquals(License(s_keyA, 0x01)));
        Assert.True(snapshot.Find(s_keyB)!.ContentEquals(License(s_keyB, 0x02)));
    }

    [Fact]
    public void UpgradeRemovesTheLicenseItSupersedes()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(6), License(s_keyA, 0x01), null));
        store.Save(new LicenseStoreUpdate(null, License(s_keyB, 0x02), null));

        store.Save(new LicenseStoreUpdate(null, License(s_keyC, 0x03), s_keyA));

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Null(snapshot.Find(s_keyA));
        Assert.NotNull(snapshot.Find(s_keyB));
        Assert.True(snapshot.Find(s_keyC)!.ContentEquals(License(s_keyC, 0x03)));
    }

    [Fact]
    public void WipeRemovesEverything()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(7), License(s_keyA, 0x01), null));

        store.Wipe(licensesOnly: false);

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Null(snapshot.HardwareId);
        Assert.Empty(snapshot.Licenses);
    }

    [Fact]
    public void WipeOfLicensesKeepsTheHardwareId()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(8), License(s_keyA, 0x01), null));

        store.Wipe(licensesOnly: true);

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(Hwid(8), snapshot.HardwareId);
        Assert.Empty(snapshot.Licenses);
    }

    [Fact]
    public void ASnapshotDoesNotChangeAfterLaterSaves()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(9), License(s_keyA, 0x01), null));
        LicenseStoreSnapshot before = store.Load();

        store.Save(new LicenseStoreUpdate(null, License(s_keyB, 0x02), null));
        store.Wipe(licensesOnly: false);

        Assert.Equal(Hwid(9), before.HardwareId);
        Assert.Single(before.Licenses);
    }

    [Fact]
    public void LicenseBytesAreCopiedOnTheWayIn()
    {
        ILicenseStore store = CreateStore();
        byte[] bytes = Enumerable.Repeat((byte)0x55, 64).ToArray();
        store.Save(new LicenseStoreUpdate(Hwid(10), new StoredLicense(s_keyA, bytes, s_storedAt), null));

        bytes[0] = 0x00;

        Assert.Equal(0x55, Reopen(store).Load().Licenses[0].LicenseInfo.Span[0]);
    }

    [Fact]
    public void RefusesMoreLicensesThanItsCapAndStaysUnchanged()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(11), null, null));
        int stored = 0;
        LicenseStoreException? refused = null;
        for (uint version = 1; version <= 1000 && refused is null; version++)
        {
            try
            {
                store.Save(new LicenseStoreUpdate(null, License(new LicenseKey(version, "s", "c", "p"), (byte)version, 32), null));
                stored++;
            }
            catch (LicenseStoreException exception)
            {
                refused = exception;
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(stored, 1, 999);
        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(stored, snapshot.Licenses.Count);
        Assert.Equal(Hwid(11), snapshot.HardwareId);

        // Replacing a license that is already there still works at the cap.
        store.Save(new LicenseStoreUpdate(null, License(new LicenseKey(1, "s", "c", "p"), 0xEE, 32), null));
        Assert.Equal(stored, Reopen(store).Load().Licenses.Count);
    }

    [Fact]
    public void UpdateMustCarrySomething()
    {
        Assert.Throws<ArgumentException>(() => new LicenseStoreUpdate(null, null, null));
        Assert.Throws<ArgumentException>(() => new LicenseStoreUpdate(Hwid(1), null, s_keyA));
    }

    [Fact]
    public void KeepsWhenEachLicenseWasStored()
    {
        ILicenseStore store = CreateStore();
        var later = new StoredLicense(s_keyB, new byte[] { 1, 2, 3 }, s_storedAt.AddDays(61));

        store.Save(new LicenseStoreUpdate(Hwid(12), License(s_keyA, 0x01), null));
        store.Save(new LicenseStoreUpdate(null, later, null));

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(s_storedAt, snapshot.Find(s_keyA)!.StoredAt);
        Assert.Equal(s_storedAt.AddDays(61), snapshot.Find(s_keyB)!.StoredAt);
    }

    [Fact]
    public void ReadingNeverMakesAHardwareId()
    {
        // A new HWID is made by the driver on the next exchange and stored with its result, never by the store.
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(13), License(s_keyA, 0x01), null));
        store.Wipe(licensesOnly: false);

        Assert.Null(store.Load().HardwareId);
        Assert.Null(Reopen(store).Load().HardwareId);
        Assert.Null(Reopen(store).Load().HardwareId);
    }

    [Fact]
    public void AWipedStoreTakesNewRecords()
    {
        ILicenseStore store = CreateStore();
        store.Save(new LicenseStoreUpdate(Hwid(14), License(s_keyA, 0x01), null));
        store.Wipe(licensesOnly: false);

        store.Save(new LicenseStoreUpdate(Hwid(15), License(s_keyB, 0x02), null));

        LicenseStoreSnapshot snapshot = Reopen(store).Load();
        Assert.Equal(Hwid(15), snapshot.HardwareId);
        Assert.Equal([s_keyB], snapshot.Licenses.Select(l => l.Key));
    }
}
