namespace TsThinLic.Storage;

/// <summary>What a store check found.</summary>
public enum StoreFindingKind
{
    /// <summary>The record is whole and in use.</summary>
    Valid,

    /// <summary>The record is whole but older than the one in use (the previous generation, the other slot).</summary>
    Superseded,

    /// <summary>Nothing there (an erased slot, a missing file).</summary>
    Empty,

    /// <summary>The record failed its checks and is treated as absent.</summary>
    Corrupt,

    /// <summary>The HWID record was made on another device (a cloned image); a new HWID is made on next use.</summary>
    Clone,

    /// <summary>A fact about the store's environment (ACL, write filter) that needs attention.</summary>
    Attention,
}
