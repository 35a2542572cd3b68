namespace TsThinLic.Fuzzing;

/// <summary>The invariants every target checks (issue 11, part 5).</summary>
public enum FuzzInvariant
{
    /// <summary>An exception the API does not document escaped it.</summary>
    UndocumentedException,

    /// <summary>A decoder allocated more than the maximum it states for its input.</summary>
    Allocation,

    /// <summary>decode→encode→decode gave a different structure or different bytes.</summary>
    RoundTrip,

    /// <summary>The API broke a promise of its own (a success with no result, an error naming no field, ...).</summary>
    Contract,
}
