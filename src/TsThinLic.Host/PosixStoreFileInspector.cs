using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TsThinLic.Host;

/// <summary>
/// The real inspector. .NET gives the mode (<see cref="File.GetUnixFileMode(string)"/>) but not the owner, so both come
/// from statx(2), whose result layout is the same on every architecture (unlike struct stat); access is asked with
/// faccessat(2) and AT_EACCESS, so the effective IDs decide as they do for open(2) and a read-only mount answers
/// EROFS, without opening the store (an open could meet the store's lock, or touch an MTD device). Where statx is
/// missing or filtered, the mode falls back to .NET and the owner is unknown. On Windows only existence and an
/// open-for-access test are available.
/// </summary>
internal sealed partial class PosixStoreFileInspector : IStoreFileInspector
{
    private const int AtFdCwd = -100;
    private const int AtEAccess = 0x200;
    private const int ReadOk = 4;
    private const int WriteOk = 2;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;

    // struct statx: stx_mask (u32) at 0, stx_uid (u32) at 20, stx_mode (u16) at 28; 256 bytes in all.
    private const int StatxLength = 256;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;

    public static PosixStoreFileInspector Instance { get; } = new();

    public uint? EffectiveUserId => OperatingSystem.IsWindows() ? null : GetEffectiveUserId();

    public FileFacts Inspect(string path)
    {
        bool isDirectory = Directory.Exists(path);
        bool exists = isDirectory || File.Exists(path);
        if (!exists || OperatingSystem.IsWindows())
        {
            return new FileFacts(exists, isDirectory, null, null);
        }

        byte[] buffer = new byte[StatxLength];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxMode | StatxUid, buffer) == 0)
            {
                uint mask = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
                uint? owner = (mask & StatxUid) != 0 ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(StatxUidOffset)) : null;
                UnixFileMode? mode = (mask & StatxMode) != 0 ? (UnixFileMode)(BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(StatxModeOffset)) & 0xFFF) : null;
                return new FileFacts(true, isDirectory, mode, owner);
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A libc older than statx (glibc 2.28): the mode from .NET below, the owner unknown.
        }

        try
        {
            return new FileFacts(true, isDirectory, File.GetUnixFileMode(path), null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new FileFacts(true, isDirectory, null, null);
        }
    }

    public string? CheckAccess(string path, bool write)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, write ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return "access denied";
            }
            catch (IOException exception)
            {
                return Reason(exception);
            }
        }

        return FAccessAt(AtFdCwd, path, write ? WriteOk : ReadOk, AtEAccess) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }

    public string? ProbeDirectoryWrite(string directory)
    {
        string probe = Path.Combine(directory, $".tsthinlic-doctor-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return OperatingSystem.IsWindows() ? "access denied" : Marshal.GetPInvokeErrorMessage(13 /* EACCES */);
        }
        catch (IOException exception)
        {
            return Reason(exception);
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Never created: nothing to remove.
            }
        }
    }

    // .NET on Unix puts the errno into an IOException's HResult (EROFS: "Read-only file system"); the AOT host's
    // messages are resource keys (UseSystemResourceKeys), so libc's words read better.
    private static string Reason(IOException exception)
        => !OperatingSystem.IsWindows() && exception.HResult is > 0 and < 4096 ? Marshal.GetPInvokeErrorMessage(exception.HResult) : exception.Message;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "faccessat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FAccessAt(int directoryFd, string path, int mode, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
