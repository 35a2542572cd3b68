namespace TsThinLic.Replay;

/// <summary>The verdict on a replayed PDU or exchange.</summary>
public enum ReplayVerdict
{
    /// <summary>Decoded, and our client did what the captured client did (within the stated tolerances).</summary>
    Pass,

    /// <summary>A PDU did not decode, or our client did something else: the differences say what.</summary>
    Fail,

    /// <summary>Could not be checked: encrypted by Standard RDP Security, or nothing in the exchange was comparable.</summary>
    Unsupported,
}
