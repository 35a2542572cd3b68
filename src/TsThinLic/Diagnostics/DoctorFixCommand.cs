namespace TsThinLic.Diagnostics;

/// <summary>
/// The store operation a doctor fix asks for. The core names no command line: the host writes
/// <c>tsthinlic wipe</c>, the C library its own function.
/// </summary>
public enum DoctorFixCommand
{
    /// <summary>The fix names no command.</summary>
    None,

    /// <summary>Remove the HWID and every CAL.</summary>
    Wipe,

    /// <summary>Remove every CAL and keep the HWID.</summary>
    WipeCalsOnly,

    /// <summary>Show what a quarantined (damaged) store image still holds: the old HWID and CALs; the path follows the command.</summary>
    ShowQuarantined,
}
