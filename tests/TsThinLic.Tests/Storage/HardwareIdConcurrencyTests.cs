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

    public static TheoryData<string> Kinds() => ["file", "flash", "reg", "memory"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TwentySimultaneousFirstUsesAgreeOnOneHwid(string kind)
    {
        string path = Path.Combine(_directory, kind switch { "flash" => "store.img", "reg" => "MSLicensing.reg", _ => "licenses.store" });
        var memory = new MemoryLicenseStore();
        var devices = new List<IDisposable>();
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
