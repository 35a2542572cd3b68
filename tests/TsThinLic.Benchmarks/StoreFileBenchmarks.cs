using BenchmarkDotNet.Attributes;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Files;
using TsThinLic.Storage;

namespace TsThinLic.Benchmarks;

/// <summary>
/// The file store on this machine's disk: time per CAL update including the fsync of the temp file, the two renames
/// and the directory fsync (what a device pays about every two months per CAL).
/// Run: dotnet run -c Release --project tests/TsThinLic.Benchmarks -- --filter *StoreFileBenchmarks*
/// </summary>
[MemoryDiagnoser]
public class StoreFileBenchmarks
{
    private string _directory = null!;
    private FileLicenseStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tsthinlic-bench-" + Guid.NewGuid().ToString("N"));
        _store = new FileLicenseStore(Path.Combine(_directory, "licenses.store"));
        _store.Save(new LicenseStoreUpdate(new ClientHardwareId(0x04010000, new byte[16]), StoreBenchmarks.License(StoreBenchmarks.s_keyA, 1), null));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public void CalUpdateWithFsync() => _store.Save(new LicenseStoreUpdate(null, StoreBenchmarks.License(StoreBenchmarks.s_keyA, 2), null));

    [Benchmark]
    public LicenseStoreSnapshot Load() => _store.Load();
}
