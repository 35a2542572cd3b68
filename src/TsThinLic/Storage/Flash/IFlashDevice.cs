namespace TsThinLic.Storage.Flash;

/// <summary>
/// A flash medium (or one partition of it) as the flash store sees it: read anywhere, program whole program units
/// (only clearing bits), erase whole erase units. An MTD partition, a partition image file, or the emulated flash.
/// </summary>
public interface IFlashDevice
{
    FlashGeometry Geometry { get; }

    /// <summary>Size in bytes: a whole number of erase units.</summary>
    long Size { get; }

    void Read(long offset, Span<byte> destination);

    /// <summary>Programs <paramref name="data"/> at <paramref name="offset"/>; both aligned to the program unit.</summary>
    void Program(long offset, ReadOnlySpan<byte> data);

    /// <summary>Erases <paramref name="length"/> bytes at <paramref name="offset"/>; both aligned to the erase unit.</summary>
    void Erase(long offset, long length);
}
