using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>Two writers never interleave: the file store takes an exclusive lock on PATH.lock around every write.</summary>
public sealed class FileLockTests : IDisposable
{
    private readonly string _directory = TempDirectory();

    [Fact]
    public void AWriterWaitsForTheLockAndGivesUpWithAStoreError()
    {
        string path = Path.Combine(_directory, "licenses.store");
        var store = new FileLicenseStore(path, new PosixStoreFileSystem { LockTimeout = TimeSpan.FromMilliseconds(200) });

        // Another process's writer holds the lock (flock on Unix: a second open file description conflicts too).
        using (StoreFileLock.Acquire(path + ".lock", TimeSpan.FromSeconds(1)))
        {
            LicenseStoreException error = Assert.Throws<LicenseStoreException>(() => store.Save(new LicenseStoreUpdate(Hwid(1), null, null)));
            Assert.Contains("lock", error.Message, StringComparison.Ordinal);
        }

        store.Save(new LicenseStoreUpdate(Hwid(1), null, null));
        Assert.Equal(Hwid(1), new FileLicenseStore(path).Load().HardwareId);
    }

    [Fact]
    public void ConcurrentWritersEachLandWhole()
    {
        string path = Path.Combine(_directory, "licenses.store");
        new FileLicenseStore(path).Save(new LicenseStoreUpdate(Hwid(1), null, null));
        var keys = Enumerable.Range(1, 8).Select(i => new LicenseKey((uint)i, "s", "c", "p")).ToArray();

        // Separate store objects (as separate processes have), so only the file lock orders them.
        Parallel.ForEach(keys, key => new FileLicenseStore(path).Save(new LicenseStoreUpdate(null, License(key, (byte)key.Version), null)));

        LicenseStoreSnapshot snapshot = new FileLicenseStore(path).Load();
        Assert.Equal(keys.Length, snapshot.Licenses.Count);
        Assert.True(new FileLicenseStore(path).Verify().IsHealthy);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
