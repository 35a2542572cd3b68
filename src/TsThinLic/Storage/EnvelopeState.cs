namespace TsThinLic.Storage;

/// <summary>What a reader found where an envelope should be.</summary>
internal enum EnvelopeState
{
    /// <summary>Still erased: nothing was ever started there.</summary>
    Blank,

    /// <summary>Whole and checked.</summary>
    Valid,

    /// <summary>Torn, damaged or not ours.</summary>
    Invalid,
}
