namespace TsThinLic.Diagnostics;

/// <summary>
/// The server events a client-side licensing fault shows up as, so that a field engineer can match what doctor finds on
/// the device with what the server's System log says. Meanings are paraphrased from the pages cited on each.
/// </summary>
public static class ServerEvents
{
    /// <summary>1000: the server could not get a license for the user (techgenix part 2 lists it, with 1004, for a license server that is reachable but has no CALs left).</summary>
    public const int UnableToAcquireLicense = 1000;

    /// <summary>1003 EVENT_INVALID_LICENSE: the client presented an invalid (corrupt or foreign) license; the documented fix is to delete MSLicensing on the client.</summary>
    public const int InvalidLicense = 1003;

    /// <summary>1004 EVENT_CANNOT_ISSUE_LICENSE: the server cannot issue a license, among the causes a changed (mismatched) client license.</summary>
    public const int CannotIssueLicense = 1004;

    /// <summary>1011: the client was disconnected because its temporary license expired.</summary>
    public const int TemporaryLicenseExpired = 1011;

    /// <summary>1028 EVENT_EXPIRED_PERMANENT_LICENSE: the client was disconnected because its license could not be renewed.</summary>
    public const int PermanentLicenseNotRenewed = 1028;

    private const string RemoteConnectionManager = "TermService / Microsoft-Windows-TerminalServices-RemoteConnectionManager";

    /// <summary>Every event doctor can name, by ID.</summary>
    public static IReadOnlyList<ServerEvent> All { get; } =
    [
        new(UnableToAcquireLicense, "TermService", string.Empty,
            "the terminal server could not acquire a license for the user: the license server was reached but had no license to give",
            "https://techgenix.com/troubleshooting-terminal-server-licensing-issues-part2/"),
        new(InvalidLicense, RemoteConnectionManager, "EVENT_INVALID_LICENSE",
            "the client presented an invalid license (corrupt, or not this device's); resolved by deleting MSLicensing on the client",
            "https://technet.microsoft.com/en-us/library/cc775262(v=ws.10).aspx"),
        new(CannotIssueLicense, RemoteConnectionManager, "EVENT_CANNOT_ISSUE_LICENSE",
            "the server cannot issue a client license: a changed (mismatched) client license, low memory or an internal error",
            "https://technet.microsoft.com/en-us/library/cc775148(v=ws.10).aspx"),
        new(TemporaryLicenseExpired, RemoteConnectionManager, string.Empty,
            "the client was disconnected because its temporary license expired: the license server has too few permanent CALs",
            "https://techgenix.com/troubleshooting-terminal-server-licensing-issues-part2/"),
        new(PermanentLicenseNotRenewed, RemoteConnectionManager, "EVENT_EXPIRED_PERMANENT_LICENSE",
            "the client was disconnected because its expired license could not be renewed",
            "https://technet.microsoft.com/en-us/library/cc775153(v=ws.10).aspx"),
    ];

    /// <summary>The event with this ID, or null.</summary>
    public static ServerEvent? Find(int id) => All.FirstOrDefault(e => e.Id == id);
}
