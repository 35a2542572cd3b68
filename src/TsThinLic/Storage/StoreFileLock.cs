namespace TsThinLic.Storage;

/// <summary>
/// An exclusive lock between processes on a lock file beside a store, so two processes never interleave writes. On
/// Unix .NET takes <c>flock(LOCK_EX)</c> for <see cref="FileShare.None"/>; on Windows the share mode itself excludes.
/// Waits a bounded time, then refuses.
/// </summary>
public static class StoreFileLock
{
    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/>; throws <see cref="LicenseStoreException"/> when another holder keeps it.</summary>
    public static IDisposable Acquire(string lockPath, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    throw new LicenseStoreException($"another process holds the store lock {lockPath} (waited {timeout.TotalSeconds:0.#} s)", exception);
                }

                // Another writer holds it: a store write takes milliseconds, so poll briefly.
                Thread.Sleep(10);
            }
        }
    }
}
