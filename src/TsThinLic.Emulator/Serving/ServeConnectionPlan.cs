using TsThinLic.Pdu;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// What one connection gets, from `serve --script`: an interrupted licensing exchange (an error code and transition in
/// place of one of the server's PDUs), whether the connection counts as a logon, and a Set Error Info after licensing.
/// The default plan is a plain connection that counts as a logon.
/// </summary>
public sealed record ServeConnectionPlan
{
    /// <summary>A plain connection: automatic licensing from the pool, a logon, Demand Active.</summary>
    public static ServeConnectionPlan Default { get; } = new();

    /// <summary>Which entry of the script this is (1-based), or null for the default.</summary>
    public int? Entry { get; init; }

    /// <summary>
    /// Where the licensing exchange is interrupted (0: instead of LICENSE_REQUEST, 1: instead of the answer to the
    /// client's first PDU, 2: instead of the answer to its second); null for a plain exchange.
    /// </summary>
    public int? ErrorStep { get; init; }

    /// <summary>dwErrorCode of the interrupting ERROR_ALERT.</summary>
    public LicensingErrorCode ErrorCode { get; init; } = LicensingErrorCode.InvalidClient;

    /// <summary>dwStateTransition of the interrupting ERROR_ALERT.</summary>
    public LicensingStateTransition ErrorTransition { get; init; } = LicensingStateTransition.TotalAbort;

    /// <summary>Whether a connection that got through licensing counts as a logon (the pool may then upgrade its CAL next time).</summary>
    public bool Logon { get; init; } = true;

    /// <summary>When set: after licensing, a Set Error Info PDU with this errorInfo (then a disconnect) instead of Demand Active.</summary>
    public uint? ErrorInfo { get; init; }

    /// <summary>The licensing script this plan asks for: null for the automatic exchange.</summary>
    public EmulatedServerScript? LicensingScript => ErrorStep is { } step ? EmulatedServerScript.InterruptAt(step, ErrorCode, ErrorTransition) : null;
}
