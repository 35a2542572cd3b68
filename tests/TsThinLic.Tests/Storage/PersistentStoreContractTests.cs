using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Fakes;

namespace TsThinLic.Tests.Storage;

/// <summary>The store contract on raw NOR flash (4 KiB sectors, byte programming), reopened on the same chip.</summary>
public sealed class FlashLicenseStoreContractTests : LicenseStoreContractTests
{
    private readonly Dictionary<ILicenseStore, EmulatedFlash> _devices = [];

    protected override ILicenseStore CreateStore()
    {
        var flash = new EmulatedFlash(new FlashGeometry(1, 4096), 4 * 4096);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        _devices[store] = flash;
        return store;
    }

    protected override ILicenseStore Reopen(ILicenseStore store)
    {
        EmulatedFlash flash = _devices[store];
        return new FlashLicenseStore(flash, 0, flash.Size);
    }
}

/// <summary>The store contract on NAND-like flash (2 KiB pages programmed whole, 128 KiB blocks).</summary>
public sealed class PagedFlashLicenseStoreContractTests : LicenseStoreContractTests
{
    private readonly Dictionary<ILicenseStore, EmulatedFlash> _devices = [];

    protected override ILicenseStore CreateStore()
    {
        var flash = new EmulatedFlash(new FlashGeometry(2048, 128 * 1024), 2 * 128 * 1024);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        _devices[store] = flash;
        return store;
    }

    protected override ILicenseStore Reopen(ILicenseStore store)
    {
        EmulatedFlash flash = _devices[store];
        return new FlashLicenseStore(flash, 0, flash.Size);
    }
}

/// <summary>The store contract on a partition image file (<c>--store flash:PATH</c>), reopened from the file.</summary>
public sealed class FileFlashLicenseStoreContractTests : LicenseStoreContractTests, IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();
    private readonly List<FileFlashDevice> _open = [];
    private readonly Dictionary<ILicenseStore, string> _paths = [];

    protected override ILicenseStore CreateStore()
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".img");
        ILicenseStore store = Open(path);
        _paths[store] = path;
        return store;
    }

    protected override ILicenseStore Reopen(ILicenseStore store)
    {
        ILicenseStore reopened = Open(_paths[store]);
        _paths[reopened] = _paths[store];
        return reopened;
    }

    private FlashLicenseStore Open(string path)
    {
        var device = new FileFlashDevice(path, new FlashGeometry(1, 4096), 4 * 4096);
        _open.Add(device);
        return new FlashLicenseStore(device, 0, device.Size);
    }

    public void Dispose()
    {
        _open.ForEach(d => d.Dispose());
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The store contract on a real file (FTL media), reopened from the file.</summary>
public sealed class FileLicenseStoreContractTests : LicenseStoreContractTests, IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    protected override ILicenseStore CreateStore() => new FileLicenseStore(Path.Combine(_directory, Guid.NewGuid().ToString("N"), "licenses.store"));

    protected override ILicenseStore Reopen(ILicenseStore store) => new FileLicenseStore(((FileLicenseStore)store).Path);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>The store contract on the MSLicensing layout over an in-memory hive.</summary>
public sealed class RegistryLicenseStoreContractTests : LicenseStoreContractTests
{
    private readonly Dictionary<ILicenseStore, MemoryRegistry> _hives = [];

    protected override ILicenseStore CreateStore()
    {
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive);
        _hives[store] = hive;
        return store;
    }

    protected override ILicenseStore Reopen(ILicenseStore store)
    {
        var reopened = new RegistryLicenseStore(_hives[store]);
        _hives[reopened] = _hives[store];
        return reopened;
    }
}
