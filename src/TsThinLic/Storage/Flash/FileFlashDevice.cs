using TsThinLic.Storage.Files;

namespace TsThinLic.Storage.Flash;

/// <summary>
/// A partition image in a file, used as raw flash (<c>--store flash:PATH</c>): a host without an MTD device, a dd image
/// of a device's store partition, or a block device node. It keeps flash rules (program only clears bits, erase sets
/// whole units to the erase value) so that an image written here is byte-for-byte what the device would hold, and
/// every program and erase is flushed to the medium (fsync) before it returns. Only a regular file or a block device
/// is opened (a FIFO or a character device is refused before anything is read); every failure is a
/// <see cref="FileFaultException"/> naming the path and the system's words.
/// </summary>
public sealed class FileFlashDevice : IFlashDevice, IDisposable
{
    private readonly FileStream _file;

    /// <summary>Opens (or creates, erased) a partition image of <paramref name="size"/> bytes; a shorter image is extended with erased cells.</summary>
    public FileFlashDevice(string path, FlashGeometry geometry, long size)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        if (size <= 0 || size % geometry.EraseUnit != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A whole number of {geometry.EraseUnit}-byte erase units.");
        }

        Path = path;
        Geometry = geometry;
        Size = size;
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, BufferSize = 1 };
        if (!OperatingSystem.IsWindows())
        {
            // A new partition image is the owner's only (0600), like the file store.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        RegularFile.CheckType(path, allowBlockDevice: true);
        try
        {
            _file = new FileStream(path, options);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("open", path, exception);
        }

        try
        {
            if (_file.Length < size)
            {
                long start = _file.Length;
                byte[] erased = new byte[geometry.EraseUnit];
                erased.AsSpan().Fill(geometry.EraseValue);
                _file.Position = start;
                for (long at = start; at < size; at += erased.Length)
                {
                    _file.Write(erased, 0, (int)Math.Min(erased.Length, size - at));
                }

                _file.Flush(flushToDisk: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _file.Dispose();
            throw OsErrorText.Fault("extend", path, exception);
        }
    }

    public string Path { get; }

    public FlashGeometry Geometry { get; }

    public long Size { get; }

    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        try
        {
            RandomAccess.Read(_file.SafeFileHandle, destination, offset);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("read", Path, exception);
        }
    }

    public void Program(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        if (offset % Geometry.ProgramUnit != 0 || data.Length % Geometry.ProgramUnit != 0)
        {
            throw new FlashViolationException($"program of {data.Length} bytes at 0x{offset:x} is not aligned to the {Geometry.ProgramUnit}-byte program unit");
        }

        byte[] current = new byte[data.Length];
        Read(offset, current);
        for (int i = 0; i < data.Length; i++)
        {
            if ((data[i] & ~current[i] & 0xFF) != 0)
            {
                throw new FlashViolationException($"program at 0x{offset + i:x} would set bits from 0 to 1 (erase first)");
            }

            current[i] &= data[i];
        }

        Write(offset, current);
    }

    public void Erase(long offset, long length)
    {
        CheckRange(offset, length);
        if (offset % Geometry.EraseUnit != 0 || length % Geometry.EraseUnit != 0)
        {
            throw new FlashViolationException($"erase of {length} bytes at 0x{offset:x} is not whole {Geometry.EraseUnit}-byte erase units");
        }

        byte[] erased = new byte[Geometry.EraseUnit];
        erased.AsSpan().Fill(Geometry.EraseValue);
        for (long at = offset; at < offset + length; at += erased.Length)
        {
            Write(at, erased, flush: at + erased.Length >= offset + length);
        }
    }

    public void Dispose() => _file.Dispose();

    private void Write(long offset, ReadOnlySpan<byte> data, bool flush = true)
    {
        try
        {
            RandomAccess.Write(_file.SafeFileHandle, data, offset);
            if (flush)
            {
                _file.Flush(flushToDisk: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("write", Path, exception);
        }
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Size)
        {
            throw new FlashViolationException($"access of {length} bytes at 0x{offset:x} is outside the {Size}-byte partition");
        }
    }
}
