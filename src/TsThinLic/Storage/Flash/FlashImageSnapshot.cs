namespace TsThinLic.Storage.Flash;

/// <summary>
/// A flash partition image held in memory, for looking without touching: doctor verifies the store on it, an image
/// file is read through it (<see cref="FlashLicenseStore.TryReadImage"/>), and nothing can program or erase it. A missing image reads as erased (what the store would create); a short one is
/// padded with the erase value, as <see cref="FileFlashDevice"/> would extend it.
/// </summary>
public sealed class FlashImageSnapshot : IFlashDevice
{
    private readonly byte[] _cells;

    private FlashImageSnapshot(FlashGeometry geometry, byte[] cells)
    {
        Geometry = geometry;
        _cells = cells;
    }

    public FlashGeometry Geometry { get; }

    /// <summary>An image already in memory (copied), e.g. a backup's bytes.</summary>
    public static FlashImageSnapshot FromImage(FlashGeometry geometry, ReadOnlySpan<byte> image)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        if (image.Length == 0 || image.Length % geometry.EraseUnit != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(image), image.Length, $"A partition of whole {geometry.EraseUnit}-byte erase units.");
        }

        return new FlashImageSnapshot(geometry, image.ToArray());
    }

    public long Size => _cells.Length;

    /// <summary>Reads the image's first <paramref name="offset"/> + <paramref name="size"/> bytes.</summary>
    public static FlashImageSnapshot Read(string path, FlashGeometry geometry, long offset, long size)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        long length = offset + size;
        if (offset < 0 || size <= 0 || length > int.MaxValue || length % geometry.EraseUnit != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A partition of whole {geometry.EraseUnit}-byte erase units.");
        }

        byte[] cells = new byte[length];
        cells.AsSpan().Fill(geometry.EraseValue);
        if (File.Exists(path))
        {
            using var image = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int read = 0;
            while (read < cells.Length)
            {
                int n = image.Read(cells, read, cells.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read < cells.Length)
            {
                cells.AsSpan(read).Fill(geometry.EraseValue);
            }
        }

        return new FlashImageSnapshot(geometry, cells);
    }

    public void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > _cells.Length)
        {
            throw new FlashViolationException($"read of {destination.Length} bytes at 0x{offset:x} is outside the {_cells.Length}-byte image");
        }

        _cells.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    public void Program(long offset, ReadOnlySpan<byte> data) => throw new InvalidOperationException("The image was opened read-only.");

    public void Erase(long offset, long length) => throw new InvalidOperationException("The image was opened read-only.");
}
