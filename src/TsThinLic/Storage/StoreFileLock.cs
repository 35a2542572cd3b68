using TsThinLic.Storage.Files;

namespace TsThinLic.Storage;

/// <summary>
/// An exclusive lock between processes on a lock file beside a store, so two processes never interleave writes. On
/// Unix .NET takes <c>flock(LOCK_EX)</c> for <see cref="FileShare.None"/>; on Windows the share mode itself excludes.
/// Waits a bounded time, then refuses. Only "another holder has it" is waited out; any other failure (no such
/// directory, permission denied, a parent that is a file) is a <see cref="FileFaultException"/> at once.
/// </summary>
public static class StoreFileLock
{
    // EWOULDBLOCK (Linux 11) from flock; ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) on Windows.
    private const int WouldBlock = 11;
    private const int SharingViolation = 32;
    private const int LockViolation = 33;

    /// <summary>
    /// How long a writer waits by default. A commit holds the lock for a read, a write with fsync, two renames and a
    /// directory fsync: milliseconds on a device, but a slow card or a loaded disk makes each fsync take much longer,
    /// and twenty processes starting at once queue behind each other.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/>; throws <see cref="LicenseStoreException"/> when another holder keeps it.</summary>
    public static IDisposable Acquire(string lockPath, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                return new FileStream(lockPath, options);
            }
            catch (IOException exception) when (IsHeldByAnother(exception))
            {
                if (Environment.TickCount64 >= deadline)
                {
                    throw new LicenseStoreException($"another process holds the store lock {lockPath} (waited {timeout.TotalSeconds:0.#} s)", exception);
                }

                // Another writer holds it: a store write takes milliseconds, so poll briefly.
                Thread.Sleep(10);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw OsErrorText.Fault("lock", lockPath, exception);
            }
        }
    }

    private static bool IsHeldByAnother(IOException exception)
        => exception is not FileNotFoundException and not DirectoryNotFoundException && OsErrorText.ErrorNumber(exception) switch
        {
            WouldBlock when !OperatingSystem.IsWindows() => true,
            SharingViolation or LockViolation when OperatingSystem.IsWindows() => true,
            _ => false,
        };
}
