using System.Runtime.Versioning;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// The registry store's lock between processes on Windows: a named mutex, machine-wide (<c>Global\</c>) where this
/// account may make one, else per session (<c>Local\</c>). The registry has no transactions, so this is what makes a
/// first use's load, generate and commit of the HWID one critical section across processes (DESIGN.md, Stores).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class RegistryStoreLock : IDisposable
{
    private const string Name = "TsThinLic.MSLicensing";

    private readonly Mutex _mutex;

    private RegistryStoreLock(Mutex mutex) => _mutex = mutex;

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/>; <see cref="LicenseStoreException"/> when another process keeps it.</summary>
    public static IDisposable Acquire(TimeSpan timeout)
    {
        Mutex mutex;
        try
        {
            mutex = new Mutex(false, @"Global\" + Name);
        }
        catch (UnauthorizedAccessException)
        {
            // Making a Global\ object needs SeCreateGlobalPrivilege when no process has made it yet.
            mutex = new Mutex(false, @"Local\" + Name);
        }

        try
        {
            if (!mutex.WaitOne(timeout))
            {
                mutex.Dispose();
                throw new LicenseStoreException($"another process holds the MSLicensing store lock (waited {timeout.TotalSeconds:0.#} s)");
            }
        }
        catch (AbandonedMutexException)
        {
            // Its holder died mid-update: the lock is ours now, and the store's reader copes with whatever it left.
        }

        return new RegistryStoreLock(mutex);
    }

    public void Dispose()
    {
        _mutex.ReleaseMutex();
        _mutex.Dispose();
    }
}
