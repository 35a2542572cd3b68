using TsThinLic.Storage.Flash;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// A store as the arguments name it, before anything is opened: its kind and the file that holds it, so that doctor
/// can look at the medium (mode, owner, access) even when it cannot be opened.
/// </summary>
/// <param name="Kind">memory, registry, reg, flash or file.</param>
/// <param name="Path">The full path of the store file, flash image or .reg file; empty for memory and the registry.</param>
internal sealed record StoreTarget(string Kind, string Path)
{
    /// <summary>Flash only: the medium's geometry.</summary>
    public FlashGeometry Geometry { get; init; } = StoreSelection.DefaultFlashGeometry;

    /// <summary>Flash only: where the store's partition starts in the image.</summary>
    public long Offset { get; init; }

    /// <summary>Flash only: the partition's length.</summary>
    public long Size { get; init; } = StoreSelection.DefaultFlashSize;

    /// <summary>PlatformId for a new HWID (from the profile, else the default).</summary>
    public uint PlatformId { get; init; } = PipeLicensingDriverOptions.DefaultPlatformId;

    public string? ProfileId { get; init; }
}
