using System.Runtime.InteropServices;
using System.Text;

namespace TsThinLic.Storage.Files;

/// <summary>
/// The real file system: fsync through <see cref="FileStream.Flush(bool)"/>, rename through <see cref="File.Move(string, string, bool)"/>
/// (rename(2), atomic on POSIX file systems), and the directory fsync that makes a rename durable, which .NET does not
/// offer (it refuses to open a directory), so it is open(2) + fsync(2) from libc. Windows has no directory fsync; NTFS
/// journals the rename, so it is skipped there.
/// </summary>
internal sealed partial class PosixStoreFileSystem : IStoreFileSystem
{
    public static PosixStoreFileSystem Instance { get; } = new();

    /// <summary>How long a writer waits for another process's lock.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public byte[]? ReadAll(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length > StoreEnvelope.MaxPayloadLength + StoreEnvelope.HeaderLength + StoreEnvelope.CommitMarkerLength)
            {
                // Not ours, or damaged: never allocate what a damaged length says. The envelope check then fails.
                byte[] head = new byte[StoreEnvelope.HeaderLength];
                file.ReadExactly(head);
                return head;
            }

            byte[] bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void WriteDurably(string path, ReadOnlySpan<byte> data)
    {
        // Owner read/write only (0600): CALs and the HWID are this device's, not every account's (doctor warns on a
        // store others can read or write). Windows keeps the ACL it inherits.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(data);
        file.Flush(flushToDisk: true);
    }

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

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
            throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public void Delete(string path) => File.Delete(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IDisposable Lock(string path) => StoreFileLock.Acquire(path, LockTimeout);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
