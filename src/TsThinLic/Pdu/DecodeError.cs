namespace TsThinLic.Pdu;

/// <summary>
/// What is wrong with wire data: the kind, the spec's wire field name (<c>wMsgSize</c>, <c>wBlobLen</c>,
/// <c>cbCompanyName</c>, <c>ScopeCount</c>, ...) and the byte offset of that field within the buffer handed to the decoder.
/// </summary>
public readonly record struct DecodeError(DecodeErrorKind Kind, string Field, int Offset, string? Detail = null)
{
    /// <summary>For example <c>LengthOutOfRange: wBlobLen at offset 42 (declares 300, 12 remain)</c>.</summary>
    public override string ToString()
        => Detail is null ? $"{Kind}: {Field} at offset {Offset}" : $"{Kind}: {Field} at offset {Offset} ({Detail})";
}
