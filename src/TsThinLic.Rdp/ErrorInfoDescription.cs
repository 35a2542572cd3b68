namespace TsThinLic.Rdp;

/// <summary>
/// One errorInfo code of the Set Error Info PDU ([MS-RDPBCGR 2.2.5.1.1]) as a field engineer needs it: the spec's name
/// and meaning and, for the licensing codes, the server event that goes with it and the fix to try.
/// </summary>
/// <param name="Code">errorInfo.</param>
/// <param name="Name">The spec's name (ERRINFO_…), or its hex value when the spec lists no such code.</param>
/// <param name="Meaning">What the spec says it means, in our words.</param>
/// <param name="ServerEvents">The RD Session Host events that go with it (licensing codes; see Diagnostics.ServerEvents).</param>
/// <param name="Fix">What to try (licensing codes), or null.</param>
public sealed record ErrorInfoDescription(uint Code, string Name, string Meaning, IReadOnlyList<int> ServerEvents, string? Fix)
{
    /// <summary>Whether the code is one of the licensing codes (0x100-0x10A).</summary>
    public bool IsLicensing => Code is >= 0x100 and <= 0x10A;

    /// <summary>Whether the spec lists the code.</summary>
    public bool IsKnown => Name.StartsWith("ERRINFO_", StringComparison.Ordinal);
}
