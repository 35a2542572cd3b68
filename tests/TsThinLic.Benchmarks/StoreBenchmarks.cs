using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;

namespace TsThinLic.Benchmarks;

/// <summary>
/// The flash store on each geometry of hardware/ (NOR 1 B / 4 KiB, FTL 512 B sectors) and a NAND-like reference
/// (2 KiB pages, 128 KiB blocks): time per CAL update (a renewal of the one CAL, same key) and per upgrade (a new CAL
/// superseding the old one), on a store holding a HWID and one 1945-byte CAL (the size of a Windows Server CAL).
/// The columns Programs, Erases, UnitsErased and BytesProgrammed count the flash operations of one update, the target
/// being one erase of one unit and one program pass (body, then the commit marker).
/// Run: dotnet run -c Release --project tests/TsThinLic.Benchmarks -- --filter *StoreBenchmarks*
/// </summary>
[Config(typeof(StoreWearConfig))]
[MemoryDiagnoser]
public class StoreBenchmarks
{
    internal static readonly LicenseKey s_keyA = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");
    internal static readonly LicenseKey s_keyC = new(0x000A0001, "microsoft.com", "Microsoft Corporation", "A02");

    private EmulatedFlash _flash = null!;
    private FlashLicenseStore _store = null!;
    private bool _upgraded;

    /// <summary>programUnit/eraseUnit.</summary>
    [Params("1/4096", "512/512", "2048/131072")]
    public string Geometry { get; set; } = "1/4096";

    [GlobalSetup]
    public void Setup() => (_flash, _store) = Open(Geometry);

    internal static (EmulatedFlash Flash, FlashLicenseStore Store) Open(string geometryKey)
    {
        string[] parts = geometryKey.Split('/');
        var geometry = new FlashGeometry(int.Parse(parts[0]), int.Parse(parts[1]));
        long slot = Math.Max(geometry.EraseUnit, 8192);
        var flash = new EmulatedFlash(geometry, 2 * slot);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        store.Save(new LicenseStoreUpdate(new ClientHardwareId(0x04010000, new byte[16]), License(s_keyA, 1), null));
        return (flash, store);
    }

    internal static StoredLicense License(LicenseKey key, byte fill)
        => new(key, Enumerable.Repeat(fill, 1945).ToArray(), new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    [Benchmark]
    public void CalUpdate() => _store.Save(new LicenseStoreUpdate(null, License(s_keyA, 2), null));

    [Benchmark]
    public void Upgrade()
    {
        // Alternates A → C and C → A so that every iteration is an upgrade from the same state shape.
        LicenseKey from = _upgraded ? s_keyC : s_keyA;
        LicenseKey to = _upgraded ? s_keyA : s_keyC;
        _store.Save(new LicenseStoreUpdate(null, License(to, 3), from));
        _upgraded = !_upgraded;
    }

    /// <summary>Flash operations of one update of <paramref name="method"/> on <paramref name="geometryKey"/>, from a settled store.</summary>
    internal static (int Programs, int Erases, int UnitsErased, long BytesProgrammed) Count(string geometryKey, string method)
    {
        (EmulatedFlash flash, FlashLicenseStore store) = Open(geometryKey);
        // Settle: both slots written once, so the measured update erases an old slot as in steady state.
        store.Save(new LicenseStoreUpdate(null, License(s_keyA, 4), null));
        flash.ResetCounters();
        if (method == nameof(Upgrade))
        {
            store.Save(new LicenseStoreUpdate(null, License(s_keyC, 5), s_keyA));
        }
        else
        {
            store.Save(new LicenseStoreUpdate(null, License(s_keyA, 5), null));
        }

        return (flash.ProgramCount, flash.EraseCount, flash.ErasedUnits, flash.ProgrammedBytes);
    }
}

/// <summary>Adds the flash-operation counts of one update to the summary table.</summary>
public sealed class StoreWearConfig : ManualConfig
{
    public StoreWearConfig()
    {
        AddColumn(new StoreWearColumn("Programs", c => c.Programs));
        AddColumn(new StoreWearColumn("Erases", c => c.Erases));
        AddColumn(new StoreWearColumn("UnitsErased", c => c.UnitsErased));
        AddColumn(new StoreWearColumn("BytesProgrammed", c => c.BytesProgrammed));
    }
}

/// <summary>One count column; the counts are exact (the emulated flash counts them), not sampled.</summary>
public sealed class StoreWearColumn(string name, Func<(int Programs, int Erases, int UnitsErased, long BytesProgrammed), long> pick) : IColumn
{
    public string Id => "StoreWear." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{name} per update (exact, from the emulated flash)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        string geometry = (string)benchmarkCase.Parameters["Geometry"];
        return pick(StoreBenchmarks.Count(geometry, benchmarkCase.Descriptor.WorkloadMethod.Name)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
