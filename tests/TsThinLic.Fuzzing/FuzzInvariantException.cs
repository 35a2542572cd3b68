namespace TsThinLic.Fuzzing;

/// <summary>
/// A fuzz target's invariant broke: an exception the API does not document escaped, a decoder allocated more than it
/// states, or decode→encode→decode was not stable. Escaping the target, it is the crash libFuzzer saves.
/// </summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException(string target, FuzzInvariant invariant, string message, Exception? inner = null)
        : base($"{target}: {invariant}: {message}", inner)
    {
        Target = target;
        Invariant = invariant;
    }

    /// <summary>The target whose invariant broke.</summary>
    public string Target { get; }

    /// <summary>Which invariant.</summary>
    public FuzzInvariant Invariant { get; }
}
