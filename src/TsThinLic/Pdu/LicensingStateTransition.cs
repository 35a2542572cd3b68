namespace TsThinLic.Pdu;

/// <summary>[MS-RDPBCGR 2.2.1.12.1.3] Licensing Error Message dwStateTransition. Unknown values are kept as received.</summary>
public enum LicensingStateTransition : uint
{
    /// <summary>ST_TOTAL_ABORT.</summary>
    TotalAbort = 0x00000001,

    /// <summary>ST_NO_TRANSITION.</summary>
    NoTransition = 0x00000002,

    /// <summary>ST_RESET_PHASE_TO_START.</summary>
    ResetPhaseToStart = 0x00000003,

    /// <summary>ST_RESEND_LAST_MESSAGE.</summary>
    ResendLastMessage = 0x00000004,
}
