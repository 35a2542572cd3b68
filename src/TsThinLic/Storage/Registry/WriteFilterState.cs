namespace TsThinLic.Storage.Registry;

/// <summary>
/// Whether a Unified Write Filter protects the system and whether it persists TS CALs (UWF_RegistryFilter.PersistTSCAL,
/// the unattend setting TSCALPersisted, default True): with UWF on and PersistTSCAL off, every CAL written is gone at
/// the next reboot and the license server's pool drains into temporary CALs.
/// </summary>
/// <param name="Present">UWF is installed; null when it cannot be told.</param>
/// <param name="PersistTscal">PersistTSCAL; null when unknown.</param>
/// <param name="Source">Where the facts came from.</param>
public sealed record WriteFilterState(bool? Present, bool? PersistTscal, string Source)
{
    public static WriteFilterState Unknown { get; } = new(null, null, "not probed");
}
