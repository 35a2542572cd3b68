using System.Runtime.InteropServices;
using System.Text;

namespace TsThinLic.Storage.Files;

/// <summary>
/// The real file system: reads through <see cref="RegularFile"/> (regular files only, bounded), fsync through
/// <see cref="FileStream.Flush(bool)"/>, rename through <see cref="File.Move(string, string, bool)"/> (rename(2), atomic
/// on POSIX file systems), and the directory fsync that makes a rename durable, which .NET does not offer (it refuses
/// to open a directory), so it is open(2) + fsync(2) from libc. Windows has no directory fsync; NTFS journals the
/// rename, so it is skipped there. Every failure is a <see cref="FileFaultException"/> with the system's words.
/// </summary>
internal sealed partial class PosixStoreFileSystem : IStoreFileSystem
{
    public static PosixStoreFileSystem Instance { get; } = new();

    /// <summary>How long a writer waits for another process's lock.</summary>
    public TimeSpan LockTimeout { get; init; } = StoreFileLock.DefaultTimeout;

    public byte[]? ReadAll(string path, int maxLength) => RegularFile.ReadPrefixIfExists(path, maxLength, out _);

    public void WriteDurably(string path, ReadOnlySpan<byte> data)
    {
        // Owner read/write only (0600): CALs and the HWID are this device's, not every account's (doctor warns on a
        // store others can read or write). Windows keeps the ACL it inherits.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var file = new FileStream(path, options);
            file.Write(data);
            file.Flush(flushToDisk: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("write", path, exception);
        }
    }

    public void Rename(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("rename", $"{from} to {to}", exception);
        }
    }

    public void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        byte[] path = Encoding.UTF8.GetBytes(directory + "\0");
        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new FileFaultException("open the directory", directory, OsErrorText.Words(errno), errno);
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new FileFaultException("fsync the directory", directory, OsErrorText.Words(errno), errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("delete", path, exception);
        }
    }

    public void CreateDirectory(string path) => CreateDirectories(path);

    /// <summary>
    /// Directory.CreateDirectory with the system's words: a parent that is a file is ENOTDIR ("Not a directory"), which
    /// .NET reports only as "already exists" under a resource key.
    /// </summary>
    internal static void CreateDirectories(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            for (string? ancestor = Path.GetFullPath(path); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
            {
                if (File.Exists(ancestor))
                {
                    const int NotADirectory = 20; // ENOTDIR (Windows: ERROR_DIRECTORY, 267)
                    int number = OperatingSystem.IsWindows() ? 267 : NotADirectory;
                    throw new FileFaultException("create the directory", path, $"{ancestor} is a file: {OsErrorText.Words(number)}", number, exception);
                }
            }

            throw OsErrorText.Fault("create the directory", path, exception);
        }
    }

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IReadOnlyList<string> ListFiles(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("list", directory, exception);
        }
    }

    public IDisposable Lock(string path) => StoreFileLock.Acquire(path, LockTimeout);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
