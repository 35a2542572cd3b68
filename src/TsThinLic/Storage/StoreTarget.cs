using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Profiles;

namespace TsThinLic.Storage;

/// <summary>
/// A store as a spec string and a device profile name it, before anything is opened: its kind and the file that holds
/// it, so that a front end can look at the medium (mode, owner, access) even when it cannot be opened. The one parser
/// of the spec strings the command (<c>--store</c>, <c>--profile</c>) and the C library (<c>tsthinlic_store_open</c>)
/// both take: <c>memory</c>, <c>registry</c>, <c>reg:FILE.reg</c>, <c>flash:PATH</c>, <c>file:PATH</c>.
/// </summary>
/// <param name="Kind">memory, registry, reg, flash or file.</param>
/// <param name="Path">The full path of the store file, flash image or .reg file; empty for memory and the registry.</param>
public sealed record StoreTarget(string Kind, string Path)
{
    /// <summary>A <c>flash:PATH</c> partition image without a profile: NOR-like, 4 KiB erase units, two 64 KiB slots.</summary>
    public static readonly FlashGeometry DefaultFlashGeometry = new(1, 4096);

    /// <summary>The partition length of a <c>flash:PATH</c> image without a profile.</summary>
    public const long DefaultFlashSize = 128 * 1024;

    /// <summary>Flash only: the medium's geometry.</summary>
    public FlashGeometry Geometry { get; init; } = DefaultFlashGeometry;

    /// <summary>Flash only: where the store's partition starts in the image.</summary>
    public long Offset { get; init; }

    /// <summary>Flash only: the partition's length.</summary>
    public long Size { get; init; } = DefaultFlashSize;

    /// <summary>PlatformId for a new HWID from the profile; null when no profile named one (the front end's default applies).</summary>
    public uint? PlatformId { get; init; }

    public string? ProfileId { get; init; }

    /// <summary>
    /// Which store <paramref name="spec"/> or the profile at <paramref name="profilePath"/> names (a spec wins; with both,
    /// a flash spec takes the profile's geometry and partition), without touching the medium. Null in
    /// <paramref name="target"/> and no error when neither is given: the front end then uses its default.
    /// </summary>
    public static bool TryResolve(string? spec, string? profilePath, out StoreTarget? target, out string error)
    {
        target = null;
        error = string.Empty;
        DeviceProfile? profile = null;
        if (profilePath is not null)
        {
            string json;
            try
            {
                json = File.ReadAllText(profilePath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error = $"cannot read the profile {profilePath}: {exception.Message}";
                return false;
            }

            if (!DeviceProfile.TryParse(json, out profile, out string profileError))
            {
                error = $"the profile {profilePath} is not a device profile: {profileError}";
                return false;
            }
        }

        if (spec is null && profile is null)
        {
            return true;
        }

        target = spec is not null ? FromSpec(spec, profile, out error) : FromProfile(profile!, out error);
        if (target is not null && profile is not null)
        {
            target = target with { PlatformId = profile.PlatformId, ProfileId = profile.Id };
        }

        return target is not null;
    }

    private static StoreTarget? FromSpec(string spec, DeviceProfile? profile, out string error)
    {
        error = string.Empty;
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? spec : spec[..colon];
        string path = colon < 0 ? string.Empty : spec[(colon + 1)..];
        try
        {
            switch (kind.ToLowerInvariant())
            {
                case "memory" when path.Length == 0:
                    return new StoreTarget("memory", string.Empty);
                case "registry" when path.Length == 0:
                    if (!OperatingSystem.IsWindows())
                    {
                        error = "the registry store needs Windows (HKLM\\SOFTWARE\\Microsoft\\MSLicensing); elsewhere use reg:FILE.reg to work on a reg export";
                        return null;
                    }

                    return new StoreTarget("registry", string.Empty);
                case "reg" when path.Length > 0:
                    return new StoreTarget("reg", System.IO.Path.GetFullPath(path));
                case "flash" when path.Length > 0:
                    bool flashProfile = profile?.Backend == StoreBackend.Flash;
                    return new StoreTarget("flash", System.IO.Path.GetFullPath(path))
                    {
                        Geometry = profile?.Geometry ?? DefaultFlashGeometry,
                        Offset = flashProfile ? profile!.Offset : 0,
                        Size = flashProfile ? profile!.Size : DefaultFlashSize,
                    };
                case "file" when path.Length > 0:
                    return new StoreTarget("file", System.IO.Path.GetFullPath(path));
            }
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"the store path in '{spec}' is not usable: {exception.Message}";
            return null;
        }

        error = $"unknown store '{spec}': use memory, registry, reg:FILE.reg, flash:PATH or file:PATH";
        return null;
    }

    private static StoreTarget? FromProfile(DeviceProfile profile, out string error)
    {
        error = string.Empty;
        switch (profile.Backend)
        {
            case StoreBackend.File:
                return new StoreTarget("file", System.IO.Path.GetFullPath(profile.Path!));
            case StoreBackend.Flash:
                return new StoreTarget("flash", System.IO.Path.GetFullPath(profile.Path!)) { Geometry = profile.Geometry, Offset = profile.Offset, Size = profile.Size };
            default:
                if (OperatingSystem.IsWindows())
                {
                    return new StoreTarget("registry", string.Empty);
                }

                error = $"cannot open the store: the profile {profile.Id} keeps its store in the Windows registry; on this system use --store reg:FILE.reg";
                return null;
        }
    }
}
