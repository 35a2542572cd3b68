namespace TsThinLic.Diagnostics;

/// <summary>
/// The doctor's check IDs, in the order it runs them. Stable: scripts and support tickets key on them, so an ID is
/// never renamed or reused.
/// </summary>
public static class DoctorCheckIds
{
    /// <summary>TCP reachability of the RD server (<c>--server</c>), the article's <c>telnet HOST 3389</c>.</summary>
    public const string ServerReachable = "server-reachable";

    /// <summary>The store is present, readable and writable by this account; file modes, owner, registry ACL, UWF.</summary>
    public const string StoreAccess = "store-access";

    /// <summary>The HWID record: present, well formed, made on this device (not a cloned image).</summary>
    public const string HardwareId = "hwid";

    /// <summary>Every stored CAL decodes ([MS-RDPELE 2.2.2.9]).</summary>
    public const string CalDecode = "cal-decode";

    /// <summary>Every CAL is bound to this device's HWID.</summary>
    public const string CalHardwareId = "cal-hwid";

    /// <summary>A temporary CAL near the end of its 90 days with no permanent CAL beside it.</summary>
    public const string TemporaryCalAge = "temporary-cal-age";

    /// <summary>CALs past their notAfter (or not yet valid by this device's clock).</summary>
    public const string CalExpiry = "cal-expiry";

    /// <summary>Two CALs for the same product and scope, or entries an interrupted update left.</summary>
    public const string DuplicateCals = "duplicate-cals";

    /// <summary>Records that failed the store's own checks (CRC-32, structure).</summary>
    public const string CorruptRecords = "corrupt-records";

    /// <summary>Every ID, in run order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ServerReachable, StoreAccess, HardwareId, CalDecode, CalHardwareId, TemporaryCalAge, CalExpiry, DuplicateCals, CorruptRecords];
}
