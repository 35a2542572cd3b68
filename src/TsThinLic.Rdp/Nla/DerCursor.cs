using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [ITU-T X.690 8.1, 10.1] A bounds-checked reader over the DER the CredSSP and SPNEGO structures use: definite
/// lengths of at most three octets, single-octet tags, every length checked against what remains. A failure records a
/// <see cref="DecodeError"/> naming the field and its offset (relative to the buffer the decoder was given).
/// </summary>
internal ref struct DerCursor
{
    private readonly ReadOnlySpan<byte> _span;
    private readonly int _baseOffset;
    private int _position;

    public DerCursor(ReadOnlySpan<byte> span, int baseOffset)
    {
        _span = span;
        _baseOffset = baseOffset;
        _position = 0;
        Error = default;
    }

    public DecodeError Error { get; private set; }

    public readonly bool HasData => _position < _span.Length;

    /// <summary>The offset of the next element, relative to the decoder's buffer.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>The tag of the next element, or -1 when none is left.</summary>
    public readonly int PeekTag() => HasData ? _span[_position] : -1;

    /// <summary>
    /// Reads one element with tag <paramref name="tag"/>: its contents and their offset (for nested cursors). The
    /// tag must be the expected one and the length must fit.
    /// </summary>
    public bool TryRead(byte tag, string field, out ReadOnlySpan<byte> contents, out int contentsOffset)
    {
        contents = default;
        contentsOffset = 0;
        int start = _position;
        if (_span.Length - start < 2)
        {
            return Fail(DecodeErrorKind.Truncated, field, start, $"needs a tag and a length, {_span.Length - start} bytes remain");
        }

        if (_span[start] != tag)
        {
            return Fail(DecodeErrorKind.InvalidValue, field, start, $"tag 0x{_span[start]:x2}, expected 0x{tag:x2}");
        }

        int first = _span[start + 1];
        int headerLength = 2;
        int length;
        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            int octets = first & 0x7F;
            if (octets is 0 or > 3)
            {
                return Fail(DecodeErrorKind.InvalidValue, field, start + 1, $"length form 0x{first:x2} (indefinite, or more than 3 octets)");
            }

            if (_span.Length - start - 2 < octets)
            {
                return Fail(DecodeErrorKind.Truncated, field, start + 1, $"the length needs {octets} more octets");
            }

            length = 0;
            for (int i = 0; i < octets; i++)
            {
                length = (length << 8) | _span[start + 2 + i];
            }

            headerLength += octets;
            if (length < 0x80 || length >> (8 * (octets - 1)) == 0)
            {
                // X.690 10.1: DER writes every length in the fewest octets.
                return Fail(DecodeErrorKind.InvalidValue, field, start + 1, $"length {length} in {octets} octets is not DER's shortest form");
            }
        }

        if (length > _span.Length - start - headerLength)
        {
            return Fail(DecodeErrorKind.LengthOutOfRange, field, start + 1, $"declares {length}, {_span.Length - start - headerLength} remain");
        }

        contents = _span.Slice(start + headerLength, length);
        contentsOffset = _baseOffset + start + headerLength;
        _position = start + headerLength + length;
        Error = default;
        return true;
    }

    /// <summary>An INTEGER of at most 32 bits, as two's complement (NTSTATUS codes come negative).</summary>
    public bool TryReadInt32(string field, out int value)
    {
        value = 0;
        int offset = _position;
        if (!TryRead(DerTags.Integer, field, out ReadOnlySpan<byte> contents, out _))
        {
            return false;
        }

        // Up to 4 octets; a fifth only as a leading 0x00 before a value with its top bit set.
        if (contents.IsEmpty || contents.Length > 5 || (contents.Length == 5 && (contents[0] != 0 || (contents[1] & 0x80) == 0)))
        {
            return Fail(DecodeErrorKind.LengthOutOfRange, field, offset, $"an INTEGER of {contents.Length} octets does not fit 32 bits");
        }

        long result = (sbyte)contents[0];
        for (int i = 1; i < contents.Length; i++)
        {
            result = (result << 8) | contents[i];
        }

        value = unchecked((int)result);
        return true;
    }

    /// <summary>[n] EXPLICIT wrapping one element: reads the context tag and hands back a cursor on its contents.</summary>
    public bool TryReadExplicit(int number, string field, out DerCursor inner)
    {
        inner = default;
        if (!TryRead(DerTags.Context(number), field, out ReadOnlySpan<byte> contents, out int offset))
        {
            return false;
        }

        inner = new DerCursor(contents, offset);
        return true;
    }

    /// <summary>Fails unless every byte was read (DER leaves nothing after an element inside its parent).</summary>
    public bool TryEnd(string field)
        => !HasData || Fail(DecodeErrorKind.TrailingData, field, _position, $"{_span.Length - _position} bytes after the last element");

    public bool Fail(DecodeErrorKind kind, string field, int position, string detail)
    {
        Error = new DecodeError(kind, field, _baseOffset + position, detail);
        return false;
    }
}
