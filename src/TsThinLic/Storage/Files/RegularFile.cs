using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TsThinLic.Storage.Files;

/// <summary>
/// Reads files that come from outside (stores, their previous generations, .reg files, imports, captures, transcripts,
/// secrets, profiles) the one safe way: only a regular file is read, and at most a stated number of bytes, counted as
/// they arrive. The size a file system reports is never trusted (a FIFO or a device says 0; /dev/zero never ends).
/// On Linux the file is opened with O_NONBLOCK (so opening a FIFO that no one writes returns at once instead of
/// blocking) and its type is read from the open descriptor with statx(2), so nothing can swap the file between the
/// check and the read; a FIFO, a device, a socket or a directory is refused before a byte is read.
/// </summary>
internal static partial class RegularFile
{
    // open(2) flags, the same on x86-64 and AArch64 (asm-generic/fcntl.h).
    private const int ORdOnly = 0x0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;

    // statx(2) on the descriptor itself; struct statx is laid out the same on every architecture (stx_mode, u16, at 28).
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxLength = 256;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFileType = 0x8000;
    private const int BlockDeviceType = 0x6000;
    private const int Eisdir = 21;
    private const int Eintr = 4;

    /// <summary>The whole file; <see cref="FileFaultException"/> when it is missing, not a regular file, unreadable or over <paramref name="maxLength"/>.</summary>
    public static byte[] ReadAll(string path, int maxLength)
    {
        byte[]? bytes = Read(path, maxLength, allowTruncation: false, missingIsNull: false, out _);
        return bytes!;
    }

    /// <summary>The whole file, or null when it does not exist; otherwise as <see cref="ReadAll"/>.</summary>
    public static byte[]? ReadIfExists(string path, int maxLength) => Read(path, maxLength, allowTruncation: false, missingIsNull: true, out _);

    /// <summary>
    /// At most the first <paramref name="maxLength"/> bytes (null when the file does not exist); <paramref name="truncated"/>
    /// says whether more followed. For a store's own files, where an over-long file is damage to report, not a fault.
    /// <paramref name="allowBlockDevice"/> also reads a block device (a flash partition such as /dev/mtdblock2): its
    /// reads end, and only the first <paramref name="maxLength"/> bytes are asked for.
    /// </summary>
    public static byte[]? ReadPrefixIfExists(string path, int maxLength, out bool truncated, bool allowBlockDevice = false)
        => Read(path, maxLength, allowTruncation: true, missingIsNull: true, out truncated, allowBlockDevice);

    /// <summary>
    /// Throws <see cref="FileFaultException"/> unless <paramref name="path"/> is missing or a regular file (or, with
    /// <paramref name="allowBlockDevice"/>, a block device); opens it without blocking and reads nothing.
    /// </summary>
    public static void CheckType(string path, bool allowBlockDevice = false)
    {
        try
        {
            using SafeFileHandle handle = Open(path, allowBlockDevice, out _);
        }
        catch (FileFaultException fault) when (fault.IsNotFound)
        {
            // Nothing there: whoever creates it makes a regular file.
        }
    }

    private static byte[]? Read(string path, int maxLength, bool allowTruncation, bool missingIsNull, out bool truncated, bool allowBlockDevice = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        truncated = false;
        SafeFileHandle handle;
        long sizeHint;
        try
        {
            handle = Open(path, allowBlockDevice, out sizeHint);
        }
        catch (FileFaultException fault) when (missingIsNull && fault.IsNotFound)
        {
            return null;
        }

        using (handle)
        {
            // One byte past the limit tells "exactly at the limit" from "over it" without trusting the reported size.
            int capacity = (int)Math.Min((long)maxLength + 1, Math.Clamp(sizeHint + 1, 4096, 1 << 20));
            byte[] buffer = new byte[capacity];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length > maxLength)
                    {
                        break;
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)maxLength + 1, (long)buffer.Length * 2));
                }

                int read;
                try
                {
                    // Never ask past the limit's extra byte: a block device is as long as it is.
                    read = RandomAccess.Read(handle, buffer.AsSpan(filled), filled);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    throw OsErrorText.Fault("read", path, exception);
                }

                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled > maxLength)
            {
                if (!allowTruncation)
                {
                    throw new FileFaultException("read", path, $"larger than the {maxLength}-byte limit (reading stopped after {maxLength + 1} bytes)");
                }

                truncated = true;
                filled = maxLength;
            }

            return filled == buffer.Length ? buffer : buffer.AsSpan(0, filled).ToArray();
        }
    }

    private static SafeFileHandle Open(string path, bool allowBlockDevice, out long sizeHint)
    {
        sizeHint = 0;
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere .NET's own open: Windows has no FIFOs or devices among paths a user passes here, and its
            // open refuses a directory.
            try
            {
                SafeFileHandle opened = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                sizeHint = RandomAccess.GetLength(opened);
                return opened;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw OsErrorText.Fault("open", path, exception);
            }
        }

        int fd;
        do
        {
            fd = OpenNative(path, ORdOnly | ONonBlock | OCloExec | ONoCtty);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Eintr);

        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new FileFaultException("open", path, OsErrorText.Words(errno), errno);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            byte[] status = new byte[StatxLength];
            if (Statx(fd, string.Empty, AtEmptyPath, StatxType, status) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new FileFaultException("examine", path, OsErrorText.Words(errno), errno);
            }

            int type = BinaryPrimitives.ReadUInt16LittleEndian(status.AsSpan(StatxModeOffset)) & FileTypeMask;
            if (type != RegularFileType && !(allowBlockDevice && type == BlockDeviceType))
            {
                // A directory has the system's own words (EISDIR); the rest are ours: the system opens them happily.
                throw type == 0x4000
                    ? new FileFaultException("read", path, OsErrorText.Words(Eisdir), Eisdir)
                    : new FileFaultException("read", path, $"{TypeName(type)}, not a regular file");
            }

            sizeHint = type == RegularFileType ? RandomAccess.GetLength(handle) : 0;
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xA000 => "a symbolic link",
        0xC000 => "a socket",
        _ => $"a file of type 0{Convert.ToString(type >> 12, 8)}",
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
