namespace TsThinLic.Replay;

/// <summary>A field where our client's PDU and the captured one differ.</summary>
/// <param name="Field">The field's spec name.</param>
/// <param name="Offset">Its offset in the captured PDU.</param>
/// <param name="Captured">The captured bytes of the field.</param>
/// <param name="Ours">Our client's bytes of the field.</param>
/// <param name="Tolerance">Why the difference is accepted (an implementation choice of the captured peer), or null: a failure.</param>
public sealed record FieldDifference(string Field, int Offset, ReadOnlyMemory<byte> Captured, ReadOnlyMemory<byte> Ours, string? Tolerance = null)
{
    public bool IsTolerated => Tolerance is not null;
}
