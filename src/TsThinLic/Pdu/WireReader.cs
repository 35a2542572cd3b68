using System.Buffers.Binary;
using System.Globalization;

namespace TsThinLic.Pdu;

/// <summary>
/// Reads little-endian licensing fields from owned memory; every read checks what remains and, for length fields,
/// the stated maximum (<see cref="LicensingLimits"/>), so nothing is sliced or allocated from an unchecked length.
/// On failure <see cref="Error"/> names the wire field and its offset within the buffer handed to the decoder.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private readonly int _baseOffset;
    private int _position;

    public WireReader(ReadOnlyMemory<byte> memory, int baseOffset)
    {
        _memory = memory;
        _span = memory.Span;
        _baseOffset = baseOffset;
        _position = 0;
        Error = default;
    }

    public DecodeError Error { get; private set; }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    /// <summary>The offset of the next byte within the buffer handed to the decoder.</summary>
    public readonly int Offset => _baseOffset + _position;

    public bool TryReadUInt16(string field, out ushort value)
    {
        if (!Ensure(field, sizeof(ushort)))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_span.Slice(_position));
        _position += sizeof(ushort);
        return true;
    }

    public bool TryReadUInt32(string field, out uint value)
    {
        if (!Ensure(field, sizeof(uint)))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_span.Slice(_position));
        _position += sizeof(uint);
        return true;
    }

    /// <summary>A fixed-size field (ServerRandom, ClientRandom, MACData, ...).</summary>
    public bool TryReadBytes(string field, int count, out ReadOnlyMemory<byte> value)
    {
        if (!Ensure(field, count))
        {
            value = default;
            return false;
        }

        value = _memory.Slice(_position, count);
        _position += count;
        return true;
    }

    /// <summary>Everything that is left (padding whose length is implied by an enclosing length).</summary>
    public ReadOnlyMemory<byte> ReadRest()
    {
        ReadOnlyMemory<byte> rest = _memory.Slice(_position);
        _position = _span.Length;
        return rest;
    }

    /// <summary>
    /// A 16-bit length field followed, after <paramref name="gap"/> bytes of other fields, by that many bytes:
    /// checked against the maximum and against what remains.
    /// </summary>
    public bool TryReadLength16(string field, int maximum, out int length, int gap = 0)
    {
        int fieldOffset = Offset;
        if (!TryReadUInt16(field, out ushort declared))
        {
            length = 0;
            return false;
        }

        Trace(field, fieldOffset, sizeof(ushort));
        return CheckLength(field, fieldOffset, declared, maximum, gap, out length);
    }

    /// <summary>A 32-bit length field; see <see cref="TryReadLength16"/>.</summary>
    public bool TryReadLength32(string field, int maximum, out int length, int gap = 0)
    {
        int fieldOffset = Offset;
        if (!TryReadUInt32(field, out uint declared))
        {
            length = 0;
            return false;
        }

        Trace(field, fieldOffset, sizeof(uint));
        return CheckLength(field, fieldOffset, declared, maximum, gap, out length);
    }

    /// <summary>A 32-bit element count whose elements take at least <paramref name="minimumElementLength"/> bytes each.</summary>
    public bool TryReadCount32(string field, int minimum, int maximum, int minimumElementLength, out int count)
    {
        int fieldOffset = Offset;
        if (!TryReadUInt32(field, out uint declared))
        {
            count = 0;
            return false;
        }

        Trace(field, fieldOffset, sizeof(uint));
        count = 0;
        if (declared < (uint)minimum)
        {
            Error = new DecodeError(DecodeErrorKind.InvalidValue, field, fieldOffset, Invariant($"declares {declared}, minimum {minimum}"));
            return false;
        }

        if (declared > (uint)maximum)
        {
            Error = new DecodeError(DecodeErrorKind.LengthOutOfRange, field, fieldOffset, Invariant($"declares {declared}, maximum {maximum}"));
            return false;
        }

        if ((long)declared * minimumElementLength > Remaining)
        {
            Error = new DecodeError(DecodeErrorKind.LengthOutOfRange, field, fieldOffset, Invariant($"declares {declared} entries of at least {minimumElementLength} bytes, {Remaining} bytes remain"));
            return false;
        }

        count = (int)declared;
        return true;
    }

    /// <summary>A LICENSE_BINARY_BLOB ([MS-RDPBCGR 2.2.1.12.1.2]); <paramref name="structure"/> names it in the error detail.</summary>
    public bool TryReadBlob(string structure, out LicenseBinaryBlob blob)
    {
        blob = default;
        if (!TryReadUInt16("wBlobType", out ushort blobType))
        {
            Error = Error with { Detail = structure + ": " + Error.Detail };
            return false;
        }

        if (!TryReadLength16("wBlobLen", LicensingLimits.MaxBlobLength, out int length))
        {
            Error = Error with { Detail = structure + ": " + Error.Detail };
            return false;
        }

        blob = new LicenseBinaryBlob(blobType, _memory.Slice(_position, length));
        _position += length;
        return true;
    }

    /// <summary>Fails with TrailingData when bytes are left; <paramref name="enclosingField"/> is the length that declared them.</summary>
    public bool TryExpectEnd(string enclosingField)
    {
        if (Remaining == 0)
        {
            return true;
        }

        Error = new DecodeError(DecodeErrorKind.TrailingData, enclosingField, Offset, Invariant($"{Remaining} bytes left after the structure"));
        return false;
    }

    public void Fail(DecodeError error) => Error = error;

    public void Fail(DecodeErrorKind kind, string field, int offset, string? detail = null) => Error = new DecodeError(kind, field, offset, detail);

    internal static void Trace(string field, int offset, int size) => WireLengthTrace.Current?.Add(new WireLengthField(field, offset, size));

    private bool Ensure(string field, int count)
    {
        if (count <= Remaining)
        {
            return true;
        }

        Error = new DecodeError(DecodeErrorKind.Truncated, field, Offset, Invariant($"needs {count}, {Remaining} remain"));
        return false;
    }

    private bool CheckLength(string field, int fieldOffset, uint declared, int maximum, int gap, out int length)
    {
        length = 0;
        if (declared > (uint)maximum)
        {
            Error = new DecodeError(DecodeErrorKind.LengthOutOfRange, field, fieldOffset, Invariant($"declares {declared}, maximum {maximum}"));
            return false;
        }

        int available = Remaining - gap;
        if (declared > (uint)Math.Max(available, 0))
        {
            Error = new DecodeError(DecodeErrorKind.LengthOutOfRange, field, fieldOffset, Invariant($"declares {declared}, {Math.Max(available, 0)} remain"));
            return false;
        }

        length = (int)declared;
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
