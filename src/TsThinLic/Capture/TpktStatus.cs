namespace TsThinLic.Capture;

/// <summary>What a framing decoder found at the start of a buffer.</summary>
public enum TpktStatus
{
    /// <summary>A whole header was read.</summary>
    Complete,

    /// <summary>The buffer ends before the header does.</summary>
    NeedMoreData,

    /// <summary>The bytes are not this framing.</summary>
    Invalid,
}
