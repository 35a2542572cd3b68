namespace TsThinLic.Diagnostics;

/// <summary>What one doctor check concluded.</summary>
public enum DoctorVerdict
{
    /// <summary>Nothing wrong.</summary>
    Ok,

    /// <summary>Works today, but needs attention soon or is a risk (the exit code stays 0).</summary>
    Warning,

    /// <summary>Broken, or about to break licensing: the exit code is 1.</summary>
    Problem,

    /// <summary>Not run: nothing to check, or an earlier check stopped it.</summary>
    Skipped,
}
