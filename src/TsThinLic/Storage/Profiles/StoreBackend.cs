namespace TsThinLic.Storage.Profiles;

/// <summary>Which store a device profile uses.</summary>
public enum StoreBackend
{
    /// <summary>The MSLicensing registry key (Windows-based terminals).</summary>
    Registry,

    /// <summary>A file on FTL media (eMMC, SSD, SD).</summary>
    File,

    /// <summary>A raw flash partition (A/B slots).</summary>
    Flash,
}
