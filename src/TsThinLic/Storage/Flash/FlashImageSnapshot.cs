using TsThinLic.Storage.Files;

namespace TsThinLic.Storage.Flash;

/// <summary>
/// A flash partition image held in memory, for looking without touching: the read-only commands (show, doctor, store
/// verify, export, hwid) open a <c>flash:PATH</c> store on it, an image file is read through it
/// (<see cref="FlashLicenseStore.TryReadImage"/>), and nothing can program or erase it. The file is never created,
/// extended or written: a missing image or a short one is read as erased cells in memory only, and
/// <see cref="MediumFinding"/> says so (the store's Verify reports it).
/// </summary>
public sealed class FlashImageSnapshot : IFlashDevice
{
    private readonly byte[] _cells;

    private FlashImageSnapshot(FlashGeometry geometry, byte[] cells, StoreFinding? mediumFinding = null)
    {
        Geometry = geometry;
        _cells = cells;
        MediumFinding = mediumFinding;
    }

    public FlashGeometry Geometry { get; }

    /// <summary>What the image file itself is like when it is not a whole partition (missing, short); null when it is.</summary>
    public StoreFinding? MediumFinding { get; }

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

    /// <summary>
    /// Reads the image's first <paramref name="offset"/> + <paramref name="size"/> bytes, without writing anything: only a
    /// regular file or a block device is read (a FIFO or a character device is refused before a byte is read), and no
    /// more than the partition's end.
    /// </summary>
    /// <exception cref="FileFaultException">The image cannot be opened or read, or is not a regular file or block device.</exception>
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
        byte[]? image = RegularFile.ReadPrefixIfExists(path, (int)length, out _, allowBlockDevice: true);
        if (image is null)
        {
            return new FlashImageSnapshot(geometry, cells, new StoreFinding(path, StoreFindingKind.Empty, "no image: nothing is stored yet (the first license creates it); it was not created now"));
        }

        image.CopyTo(cells, 0);
        StoreFinding? finding = image.Length < length
            ? new StoreFinding(path, StoreFindingKind.Corrupt, $"the image is {image.Length} bytes, short of the partition's end at {length}: the {length - image.Length} missing bytes are read as erased here; the image was not changed")
            : null;
        return new FlashImageSnapshot(geometry, cells, finding);
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
