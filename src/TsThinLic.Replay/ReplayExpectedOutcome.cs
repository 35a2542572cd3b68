namespace TsThinLic.Replay;

/// <summary>How the exchange ended for the client, as a transcript's <c>expect</c> line or a capture's last server PDU says.</summary>
public enum ReplayExpectedOutcome
{
    /// <summary>STATUS_VALID_CLIENT with ST_NO_TRANSITION.</summary>
    ValidClient,

    /// <summary>NEW_LICENSE accepted.</summary>
    LicenseIssued,

    /// <summary>UPGRADE_LICENSE accepted.</summary>
    LicenseUpgraded,

    /// <summary>The exchange failed (an abort by either side).</summary>
    Failed,
}
