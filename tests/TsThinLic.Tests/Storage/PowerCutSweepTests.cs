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
/// The power-loss sweep (issue 3, littlefs/U-Boot style): for every geometry in hardware/, a scripted life of a store
/// (first HWID, first CAL, upgrade, second CAL, renewal, wipe of CALs, wipe) with the power cut after the k-th program
/// or erase of each step for every k, a torn program at every byte offset, a second cut during the recovery, and
/// random single-bit flips. After each: the store opens, and holds the state before the step or after it, never a mix;
/// a bit flip may only fall back to the previous snapshot (or, where none is left, to empty), never to garbage.
/// </summary>
public sealed class PowerCutSweepTests(ITestOutputHelper output)
{
    /// <summary>The scripted life of a store; each step is idempotent, so a recovery re-runs it.</summary>
    internal static readonly (string Name, Action<ILicenseStore> Run)[] s_script =
    [
        ("first HWID", s => s.Save(new LicenseStoreUpdate(Hwid(1), null, null))),
        ("first CAL", s => s.Save(new LicenseStoreUpdate(null, License(KeyA, 0x10), null))),
        ("upgrade", s => s.Save(new LicenseStoreUpdate(null, License(KeyC, 0x20), KeyA))),
        ("second CAL", s => s.Save(new LicenseStoreUpdate(null, License(KeyB, 0x30), null))),
        ("renewal", s => s.Save(new LicenseStoreUpdate(null, License(KeyB, 0x40, 48), null))),
        ("wipe CALs", s => s.Wipe(licensesOnly: true)),
        ("wipe", s => s.Wipe(licensesOnly: false)),
    ];

    /// <summary>The state after each step (index 0: empty), from the in-memory store.</summary>
    internal static LicenseStoreSnapshot[] ExpectedStates()
    {
        var memory = new MemoryLicenseStore();
        var states = new List<LicenseStoreSnapshot> { memory.Load() };
        foreach (var step in s_script)
        {
            step.Run(memory);
            states.Add(memory.Load());
        }

        return states.ToArray();
    }

    public static TheoryData<string> Geometries()
    {
        var data = new TheoryData<string>();
        foreach (string key in Profiles().Select(p => GeometryKey(p.Profile.Geometry)).Distinct())
        {
            data.Add(key);
        }

        return data;
    }

    private static string GeometryKey(FlashGeometry g) => $"{g.ProgramUnit}/{g.EraseUnit}/{g.EraseValue}";

    private static FlashGeometry ParseGeometry(string key)
    {
        string[] parts = key.Split('/');
        return new FlashGeometry(int.Parse(parts[0]), int.Parse(parts[1]), byte.Parse(parts[2]));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void FlashStoreSurvivesEveryPowerCutOnTheProfilesGeometry(string geometryKey)
    {
        FlashGeometry geometry = ParseGeometry(geometryKey);
        string[] profiles = Profiles().Where(p => GeometryKey(p.Profile.Geometry) == geometryKey).Select(p => p.Profile.Id).ToArray();
        // Two slots of whole erase units, each big enough for the script's largest snapshot.
        long slot = FlashEnvelopeAlign(1024, geometry.EraseUnit);
        long size = 2 * slot;
        LicenseStoreSnapshot[] expected = ExpectedStates();
        var counts = new SweepCounts();

        var reference = new EmulatedFlash(geometry, size);
        for (int step = 0; step < s_script.Length; step++)
        {
            byte[] before = reference.ToArray();
            int operationsBefore = reference.OperationCount;
            var probe = new EmulatedFlash(geometry, size);
            probe.Load(before);
            var programLengths = new List<(int Operation, int Length)>();
            var recorder = new RecordingFlash(probe, programLengths);
            s_script[step].Run(new FlashLicenseStore(recorder, 0, size));
            int operations = recorder.Operations;

            LicenseStoreSnapshot old = expected[step];
            LicenseStoreSnapshot @new = expected[step + 1];
            for (int k = 0; k < operations; k++)
            {
                var tears = new List<int> { -1 };
                if (programLengths.FirstOrDefault(p => p.Operation == k) is { Length: > 0 } program)
                {
                    tears.AddRange(Enumerable.Range(0, program.Length));
                }
                else
                {
                    // An erase cut part-way: only the first bytes of its first unit are erased.
                    tears.AddRange([1, geometry.EraseUnit / 2, geometry.EraseUnit - 1]);
                }

                foreach (int torn in tears)
                {
                    var flash = new EmulatedFlash(geometry, size);
                    flash.Load(before);
                    flash.CutPowerAfter(k, torn);
                    Assert.Throws<PowerCutException>(() => s_script[step].Run(new FlashLicenseStore(flash, 0, size)));
                    flash.PowerOn();
                    AssertOldOrNew(new FlashLicenseStore(flash, 0, size).Load(), old, @new, $"{s_script[step].Name}, cut after {k}, torn {torn}");
                    counts.Cuts++;

                    // Recovery (the step runs again), itself cut after each of its operations for clean cuts, after
                    // its first for torn ones; then a recovery that completes.
                    byte[] afterCut = flash.ToArray();
                    int recoveryCuts = torn < 0 ? operations + 1 : 1;
                    for (int j = 0; j < recoveryCuts; j++)
                    {
                        var again = new EmulatedFlash(geometry, size);
                        again.Load(afterCut);
                        again.CutPowerAfter(j);
                        try
                        {
                            s_script[step].Run(new FlashLicenseStore(again, 0, size));
                        }
                        catch (PowerCutException)
                        {
                        }

                        again.PowerOn();
                        AssertOldOrNew(new FlashLicenseStore(again, 0, size).Load(), old, @new, $"{s_script[step].Name}, cut after {k}, torn {torn}, recovery cut after {j}");
                        counts.RecoveryCuts++;
                    }

                    s_script[step].Run(new FlashLicenseStore(flash, 0, size));
                    Assert.True(SameContent(@new, new FlashLicenseStore(flash, 0, size).Load()), $"{s_script[step].Name}: recovery did not reach the new state");
                }
            }

            s_script[step].Run(new FlashLicenseStore(reference, 0, size));
            Assert.Equal(operations, reference.OperationCount - operationsBefore);
            counts.Flips += FlipBits(reference.ToArray(), geometry, size, step, expected, seed: step);
        }

        output.WriteLine($"geometry {geometry} (profiles: {string.Join(", ", profiles)}): {counts}");
        Assert.True(counts.Cuts > s_script.Length);
    }

    private int FlipBits(byte[] image, FlashGeometry geometry, long size, int step, LicenseStoreSnapshot[] expected, int seed)
    {
        // Deterministic: a seeded generator, never Random.Shared.
        var random = new Random(seed);
        int flips = 0;
        for (int i = 0; i < 48; i++)
        {
            var flash = new EmulatedFlash(geometry, size);
            flash.Load(image);
            // Half the flips in the first bytes of each slot, where the envelope is; half anywhere.
            long offset = i % 2 == 0 ? (random.Next(2) * (size / 2)) + random.Next(600) : random.NextInt64(size);
            flash.FlipBit(offset, random.Next(8));
            var logger = new CapturingLogger();
            var store = new FlashLicenseStore(flash, 0, size, logger: logger);
            LicenseStoreSnapshot loaded = store.Load();
            bool current = SameContent(loaded, expected[step + 1]);
            Assert.True(
                current || SameContent(loaded, expected[step]) || SameContent(loaded, LicenseStoreSnapshot.Empty),
                $"{s_script[step].Name}, bit {offset}:{i}: {Describe(loaded)}");
            if (!current)
            {
                Assert.Contains(store.Verify().Findings, f => f.Kind == StoreFindingKind.Corrupt);
                Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Id.Id == 300);
            }

            // The store stays writable after any flip.
            store.Save(new LicenseStoreUpdate(Hwid(9), null, null));
            Assert.Equal(Hwid(9), new FlashLicenseStore(flash, 0, size).Load().HardwareId);
            flips++;
        }

        return flips;
    }

    private static long FlashEnvelopeAlign(long value, int unit) => (value + unit - 1) / unit * unit;

    [Fact]
    public void FileStoreSurvivesEveryPowerCutAndTornWrite()
    {
        const string Path = "/store/licenses.store";
        LicenseStoreSnapshot[] expected = ExpectedStates();
        var counts = new SweepCounts();
        var reference = new FaultyFileSystem();
        for (int step = 0; step < s_script.Length; step++)
        {
            Dictionary<string, byte[]> before = reference.Snapshot();
            var probe = new FaultyFileSystem(before);
            s_script[step].Run(new FileLicenseStore(Path, probe));
            int operations = probe.OperationCount;
            LicenseStoreSnapshot old = expected[step];
            LicenseStoreSnapshot @new = expected[step + 1];
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
                    Assert.Throws<PowerCutException>(() => s_script[step].Run(new FileLicenseStore(Path, files)));
                    files.PowerOn();
                    AssertOldOrNew(new FileLicenseStore(Path, files).Load(), old, @new, $"{s_script[step].Name}, cut after {k}, torn {torn}");
                    counts.Cuts++;

                    Dictionary<string, byte[]> afterCut = files.Snapshot();
                    int recoveryCuts = torn < 0 ? operations + 1 : 1;
                    for (int j = 0; j < recoveryCuts; j++)
                    {
                        var again = new FaultyFileSystem(afterCut);
                        again.CutPowerAfter(j);
                        try
                        {
                            s_script[step].Run(new FileLicenseStore(Path, again));
                        }
                        catch (PowerCutException)
                        {
                        }

                        again.PowerOn();
                        AssertOldOrNew(new FileLicenseStore(Path, again).Load(), old, @new, $"{s_script[step].Name}, cut after {k}, torn {torn}, recovery cut after {j}");
                        counts.RecoveryCuts++;
                    }

                    s_script[step].Run(new FileLicenseStore(Path, files));
                    Assert.True(SameContent(@new, new FileLicenseStore(Path, files).Load()));
                }
            }

            s_script[step].Run(new FileLicenseStore(Path, reference));

            // Bit flips in the current and previous generation.
            var random = new Random(100 + step);
            foreach ((string file, byte[] bytes) in reference.Snapshot())
            {
                for (int i = 0; i < 24 && bytes.Length > 0; i++)
                {
                    Dictionary<string, byte[]> flipped = reference.Snapshot();
                    flipped[file][random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    LicenseStoreSnapshot loaded = new FileLicenseStore(Path, new FaultyFileSystem(flipped)).Load();
                    Assert.True(
                        SameContent(loaded, @new) || SameContent(loaded, old) || SameContent(loaded, LicenseStoreSnapshot.Empty),
                        $"{s_script[step].Name}, flip in {file}: {Describe(loaded)}");
                    counts.Flips++;
                }
            }
        }

        output.WriteLine($"file store: {counts}");
        Assert.True(counts.Cuts > s_script.Length);
    }

    internal static void AssertOldOrNew(LicenseStoreSnapshot loaded, LicenseStoreSnapshot old, LicenseStoreSnapshot @new, string what)
    {
        Assert.True(SameContent(loaded, old) || SameContent(loaded, @new), $"{what}: {Describe(loaded)} is neither the old ({Describe(old)}) nor the new ({Describe(@new)}) state");
    }

    private sealed class SweepCounts
    {
        public int Cuts { get; set; }

        public int RecoveryCuts { get; set; }

        public int Flips { get; set; }

        public override string ToString() => $"{Cuts} power cuts and torn writes, {RecoveryCuts} recovery cuts, {Flips} bit flips = {Cuts + RecoveryCuts + Flips} cases";
    }

    /// <summary>Counts a step's operations and the length of each program, passing everything through.</summary>
    private sealed class RecordingFlash(IFlashDevice inner, List<(int Operation, int Length)> programs) : IFlashDevice
    {
        public int Operations { get; private set; }

        public FlashGeometry Geometry => inner.Geometry;

        public long Size => inner.Size;

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Program(long offset, ReadOnlySpan<byte> data)
        {
            programs.Add((Operations++, data.Length));
            inner.Program(offset, data);
        }

        public void Erase(long offset, long length)
        {
            Operations++;
            inner.Erase(offset, length);
        }
    }
}
