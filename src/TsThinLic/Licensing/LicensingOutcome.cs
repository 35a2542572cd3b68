namespace TsThinLic.Licensing;

/// <summary>How a successful licensing exchange ended.</summary>
public enum LicensingOutcome
{
    /// <summary>The server answered STATUS_VALID_CLIENT with ST_NO_TRANSITION ([MS-RDPBCGR 2.2.1.12.1.3]).</summary>
    ValidClient,

    /// <summary>The server issued a new CAL (SERVER_NEW_LICENSE, [MS-RDPELE 2.2.2.7]).</summary>
    LicenseIssued,

    /// <summary>The server upgraded or renewed the presented CAL (SERVER_UPGRADE_LICENSE, [MS-RDPELE 2.2.2.6]).</summary>
    LicenseUpgraded,
}
