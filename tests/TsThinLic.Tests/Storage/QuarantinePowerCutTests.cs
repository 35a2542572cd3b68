using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Tests.Fakes;
using Xunit;
using Xunit.Abstractions;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// Quarantining is itself power-cut safe (issue 11, part 1): a damaged store's first use (copy to the quarantine, then
/// commit a new HWID) is cut after every file-system step and every flash program or erase, with writes torn at every
/// byte. After each cut the damaged image still exists whole, on the medium or as a complete copy; the store loads
/// the damaged (empty) state or the new HWID, never anything else; and running the step again completes.
/// </summary>
public sealed class QuarantinePowerCutTests(ITestOutputHelper output)
{
    private const string StorePath = "/store/licenses.store";
    private const string QuarantinePath = "/store/licenses.store.quarantine";
    private static readonly FlashGeometry s_nor = new(1, 4096);

    private static StoreQuarantine Quarantine(FaultyFileSystem files) => new(QuarantinePath, files, new ManualTimeProvider());

    private static void FirstUse(ILicenseStore store) => store.LoadOrCreateHardwareId(() => Hwid(0x22), out _);

    /// <summary>Whether a complete copy of <paramref name="damaged"/> sits in the quarantine (temporary files do not count).</summary>
    private static bool Kept(FaultyFileSystem files, byte[] damaged)
        => files.ListFiles(QuarantinePath).Any(f => !f.EndsWith(".txt", StringComparison.Ordinal) && !f.EndsWith(".tmp", StringComparison.Ordinal) && files.ReadAll(f)!.AsSpan().SequenceEqual(damaged));

    [Fact]
    public void QuarantiningADamagedFileStoreSurvivesEveryPowerCutAndTornWrite()
    {
        var seed = new FaultyFileSystem();
        new FileLicenseStore(StorePath, seed).Save(new LicenseStoreUpdate(Hwid(0x11), License(KeyA, 0x40), null));
        Dictionary<string, byte[]> before = seed.Snapshot();
        before[StorePath][^20] ^= 0x04;
        byte[] damaged = before[StorePath];

        var probe = new FaultyFileSystem(before);
        FirstUse(new FileLicenseStore(StorePath, probe, quarantine: Quarantine(probe)));
        int operations = probe.OperationCount;
        Assert.True(Kept(probe, damaged));
        int cases = 0;
        for (int k = 0; k < operations; k++)
        {
            var tears = new List<int> { -1 };
            if (probe.Writes.FirstOrDefault(w => w.Operation == k) is { Length: > 0 } write)
            {
                tears.AddRange(Enumerable.Range(0, write.Length));
            }

            foreach (int torn in tears)
            {
                var files = new FaultyFileSystem(before);
                files.CutPowerAfter(k, torn);
                Assert.Throws<PowerCutException>(() => FirstUse(new FileLicenseStore(StorePath, files, quarantine: Quarantine(files))));
                files.PowerOn();
                string what = $"cut after {k}, torn {torn}";

                LicenseStoreSnapshot loaded = new FileLicenseStore(StorePath, files).Load();
                Assert.True(loaded.HardwareId is null || loaded.HardwareId == Hwid(0x22), $"{what}: {Describe(loaded)}");
                bool onMedium = files.ReadAll(StorePath)?.AsSpan().SequenceEqual(damaged) == true;
                Assert.True(onMedium || Kept(files, damaged), $"{what}: the damaged image is neither on the medium nor whole in the quarantine");
                Assert.True(loaded.HardwareId is null || Kept(files, damaged), $"{what}: a new HWID was committed before the copy was whole");

                // The next start does it again, and gets there.
                FirstUse(new FileLicenseStore(StorePath, files, quarantine: Quarantine(files)));
                Assert.Equal(Hwid(0x22), new FileLicenseStore(StorePath, files).Load().HardwareId);
                Assert.True(Kept(files, damaged), $"{what}: after recovery the copy is missing");
                cases++;
            }
        }

        output.WriteLine($"file store: {operations} steps, {cases} cuts and torn writes");
        Assert.True(cases > operations);
    }

    [Fact]
    public void QuarantiningADamagedFlashImageSurvivesEveryPowerCutInTheCopyAndOnTheFlash()
    {
        var seedFlash = new EmulatedFlash(s_nor, 2 * 4096);
        var seed = new FlashLicenseStore(seedFlash, 0, seedFlash.Size);
        seed.Save(new LicenseStoreUpdate(Hwid(0x11), null, null));
        seed.Save(new LicenseStoreUpdate(null, License(KeyA, 0x40), null));
        seedFlash.FlipBit(StoreEnvelope.HeaderLength + 5, 2);
        seedFlash.FlipBit(4096 + StoreEnvelope.HeaderLength + 30, 6);
        byte[] damaged = seedFlash.ToArray();

        // How many steps each medium takes when nothing is cut.
        var probeFlash = new EmulatedFlash(s_nor, damaged.Length);
        probeFlash.Load(damaged);
        int flashBefore = probeFlash.OperationCount;
        var probeFiles = new FaultyFileSystem();
        FirstUse(new FlashLicenseStore(probeFlash, 0, damaged.Length, quarantine: Quarantine(probeFiles)));
        int fileSteps = probeFiles.OperationCount;
        int flashSteps = probeFlash.OperationCount - flashBefore;
        int cases = 0;

        void Check(EmulatedFlash flash, FaultyFileSystem files, string what)
        {
            LicenseStoreSnapshot loaded = new FlashLicenseStore(flash, 0, flash.Size).Load();
            Assert.True(loaded.HardwareId is null || loaded.HardwareId == Hwid(0x22), $"{what}: {Describe(loaded)}");
            Assert.True(flash.ToArray().AsSpan().SequenceEqual(damaged) || Kept(files, damaged), $"{what}: a damaged slot was erased before the copy was whole");
            FirstUse(new FlashLicenseStore(flash, 0, flash.Size, quarantine: Quarantine(files)));
            Assert.Equal(Hwid(0x22), new FlashLicenseStore(flash, 0, flash.Size).Load().HardwareId);
            Assert.True(Kept(files, damaged), $"{what}: after recovery the copy is missing");
            cases++;
        }

        // Cut while the copy is written: the flash is not touched yet. A torn copy is a temporary file no reader takes,
        // so its first and last bytes and a stride through the 8 KiB image stand for every byte.
        for (int k = 0; k < fileSteps; k++)
        {
            var tears = new List<int> { -1 };
            if (probeFiles.Writes.FirstOrDefault(w => w.Operation == k) is { Length: > 0 } write)
            {
                tears.AddRange(Enumerable.Range(0, write.Length).Where(b => b < 64 || b % 257 == 0 || b >= write.Length - 64));
            }

            foreach (int torn in tears)
            {
                var flash = new EmulatedFlash(s_nor, damaged.Length);
                flash.Load(damaged);
                var files = new FaultyFileSystem();
                files.CutPowerAfter(k, torn);
                Assert.Throws<PowerCutException>(() => FirstUse(new FlashLicenseStore(flash, 0, flash.Size, quarantine: Quarantine(files))));
                files.PowerOn();
                Check(flash, files, $"copy cut after {k}, torn {torn}");
            }
        }

        // Cut on the flash: the copy is whole by then.
        for (int k = 0; k < flashSteps; k++)
        {
            foreach (int torn in new[] { -1, 0, 1, 7, 23, 24, 40, 4095 })
            {
                var flash = new EmulatedFlash(s_nor, damaged.Length);
                flash.Load(damaged);
                var files = new FaultyFileSystem();
                flash.CutPowerAfter(k, torn);
                Assert.Throws<PowerCutException>(() => FirstUse(new FlashLicenseStore(flash, 0, flash.Size, quarantine: Quarantine(files))));
                flash.PowerOn();
                Check(flash, files, $"flash cut after {k}, torn {torn}");
            }
        }

        output.WriteLine($"flash: {fileSteps} copy steps, {flashSteps} flash steps, {cases} cuts and torn writes");
        Assert.True(cases > fileSteps + flashSteps);
    }
}
