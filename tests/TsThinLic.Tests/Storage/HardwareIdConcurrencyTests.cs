using System.Text.Json;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Host;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// Issue 11, part 2: concurrent first uses of an empty store agree on one HWID. Twenty store instances over one medium
/// (each its own object, as separate processes have) start together, each with a HWID of its own to offer; exactly one
/// commits, the rest adopt it. Then twenty real <c>license</c> processes of the built host on one empty store.
/// </summary>
public sealed class HardwareIdConcurrencyTests : IDisposable
{
    private const int Contenders = 20;
    private readonly string _directory = TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Kinds() => ["file", "flash", "reg", "registry", "memory"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TwentySimultaneousFirstUsesAgreeOnOneHwid(string kind)
    {
        string path = Path.Combine(_directory, kind switch { "flash" => "store.img", "reg" => "MSLicensing.reg", _ => "licenses.store" });
        var memory = new MemoryLicenseStore();
        var devices = new List<IDisposable>();
        // The registry store as on Windows: one machine-wide registry, one lock between processes (there a named mutex).
        var registry = new SynchronizedRegistry(new MemoryRegistry());
        using var registryLock = new SemaphoreSlim(1, 1);
        ILicenseStore Open()
        {
            switch (kind)
            {
                case "file":
                    return new FileLicenseStore(path);
                case "reg":
                    return new RegFileLicenseStore(path);
                case "memory":
                    return memory;
                case "registry":
                    return new RegistryLicenseStore(registry, exclusiveLock: () => Held(registryLock));
                default:
                    var device = new FileFlashDevice(path, new FlashGeometry(1, 4096), 2 * 4096);
                    lock (devices)
                    {
                        devices.Add(device);
                    }

                    return new FlashLicenseStore(device, 0, device.Size, exclusiveLock: () => StoreFileLock.Acquire(path + ".lock", TimeSpan.FromSeconds(30)));
            }
        }

        if (kind == "flash")
        {
            // The partition exists before the race (as on a device); only the first use's HWID is contended.
            Open();
        }

        ILicenseStore[] stores = [.. Enumerable.Range(0, Contenders).Select(_ => Open())];
        var results = new (ClientHardwareId? Hwid, bool Created)[Contenders];
        using var start = new Barrier(Contenders);
        Parallel.For(0, Contenders, new ParallelOptions { MaxDegreeOfParallelism = Contenders }, i =>
        {
            start.SignalAndWait();
            LicenseStoreSnapshot loaded = stores[i].LoadOrCreateHardwareId(() => Hwid((byte)(i + 1)), out bool created);
            results[i] = (loaded.HardwareId, created);
        });
        devices.ForEach(d => d.Dispose());

        ClientHardwareId agreed = Assert.Single(results.Select(r => r.Hwid).Distinct())!.Value;
        Assert.Equal(1, results.Count(r => r.Created));
        Assert.Equal(agreed, Open().Load().HardwareId);
        devices.ForEach(d => d.Dispose());
    }

    private static IDisposable Held(SemaphoreSlim semaphore)
    {
        semaphore.Wait();
        return new Releaser(semaphore);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    /// <summary>A hive every call of which is atomic, as the Windows registry's calls are.</summary>
    private sealed class SynchronizedRegistry(MemoryRegistry inner) : IRegistry
    {
        private readonly Lock _lock = new();

        public bool KeyExists(string keyPath) => Locked(() => inner.KeyExists(keyPath));

        public IReadOnlyList<string> GetSubKeyNames(string keyPath) => Locked(() => inner.GetSubKeyNames(keyPath));

        public IReadOnlyList<string> GetValueNames(string keyPath) => Locked(() => inner.GetValueNames(keyPath));

        public RegistryValue? GetValue(string keyPath, string valueName) => Locked(() => inner.GetValue(keyPath, valueName));

        public void SetValue(string keyPath, string valueName, RegistryValue value) => Locked(() => { inner.SetValue(keyPath, valueName, value); return 0; });

        public void DeleteValue(string keyPath, string valueName) => Locked(() => { inner.DeleteValue(keyPath, valueName); return 0; });

        public void DeleteKeyTree(string keyPath) => Locked(() => { inner.DeleteKeyTree(keyPath); return 0; });

        public IReadOnlyList<RegistryAccessRule>? GetAccessRules(string keyPath) => Locked(() => inner.GetAccessRules(keyPath));

        public WriteFilterState GetWriteFilterState() => Locked(inner.GetWriteFilterState);

        private T Locked<T>(Func<T> call)
        {
            lock (_lock)
            {
                return call();
            }
        }
    }

    [Fact]
    public async Task TwentyLicenseProcessesOnAnEmptyStoreMakeOneHwid()
    {
        string store = "file:" + Path.Combine(_directory, "licenses.store");

        HostProcess.Result[] runs = await Task.WhenAll(Enumerable.Range(0, Contenders).Select(_ => HostProcess.RunAsync("license", "--store", store, "--json")));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        JsonElement[] hwids = [.. runs.Select(run => JsonDocument.Parse(run.Output).RootElement.GetProperty("hwid").Clone())];
        Assert.Single(hwids.Select(h => h.GetProperty("fingerprint").GetString()).Distinct());
        Assert.Equal(1, hwids.Count(h => h.GetProperty("created").GetBoolean()));
    }
}
