namespace TsThinLic.Licensing;

/// <summary>Where a licensing exchange stands after the client consumed a PDU.</summary>
public enum LicensingStatus
{
    /// <summary>The client wrote its reply (if any) and waits for the server's next licensing PDU.</summary>
    AwaitingPdu,

    /// <summary>The exchange ended successfully; see <see cref="LicensingOutcome"/>.</summary>
    Completed,

    /// <summary>The exchange failed; see <see cref="LicensingFailure"/>. Nothing is to be persisted.</summary>
    Failed,
}
