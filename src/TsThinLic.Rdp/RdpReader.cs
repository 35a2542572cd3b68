using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// Reads RDP connection-sequence fields from a span. Every read checks what remains; a failure records a
/// <see cref="DecodeError"/> naming the field and its offset (relative to the buffer the decoder was given).
/// </summary>
internal ref struct RdpReader
{
    private readonly ReadOnlySpan<byte> _span;
    private readonly int _baseOffset;
    private int _position;

    public RdpReader(ReadOnlySpan<byte> span, int baseOffset = 0)
    {
        _span = span;
        _baseOffset = baseOffset;
        _position = 0;
        Error = default;
    }

    public DecodeError Error { get; private set; }

    public readonly int Position => _position;

    public readonly int Offset => _baseOffset + _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly ReadOnlySpan<byte> Rest => _span[_position..];

    public bool Fail(DecodeErrorKind kind, string field, string? detail = null) => Fail(kind, field, Offset, detail);

    public bool Fail(DecodeErrorKind kind, string field, int offset, string? detail = null)
    {
        Error = new DecodeError(kind, field, offset, detail);
        return false;
    }

    private bool Need(string field, int count)
        => count <= Remaining || Fail(DecodeErrorKind.Truncated, field, $"needs {count} bytes, {Remaining} remain");

    public bool TryReadByte(string field, out byte value)
    {
        value = 0;
        if (!Need(field, 1))
        {
            return false;
        }

        value = _span[_position++];
        return true;
    }

    public bool TryReadUInt16(string field, out ushort value)
    {
        value = 0;
        if (!Need(field, 2))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_span[_position..]);
        _position += 2;
        return true;
    }

    public bool TryReadUInt16BigEndian(string field, out ushort value)
    {
        value = 0;
        if (!Need(field, 2))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
        _position += 2;
        return true;
    }

    public bool TryReadUInt32(string field, out uint value)
    {
        value = 0;
        if (!Need(field, 4))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_span[_position..]);
        _position += 4;
        return true;
    }

    public bool TryReadBytes(string field, int count, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (count < 0)
        {
            return Fail(DecodeErrorKind.LengthOutOfRange, field, $"negative length {count}");
        }

        if (!Need(field, count))
        {
            return false;
        }

        value = _span.Slice(_position, count);
        _position += count;
        return true;
    }

    public bool TrySkip(string field, int count) => TryReadBytes(field, count, out _);

    public bool TryExpectByte(string field, byte expected)
    {
        int offset = Offset;
        if (!TryReadByte(field, out byte value))
        {
            return false;
        }

        return value == expected || Fail(DecodeErrorKind.InvalidValue, field, offset, $"0x{value:x2}, expected 0x{expected:x2}");
    }

    // ---- BER (ITU-T X.690), as MCS (T.125) uses it: definite lengths only.

    public bool TryReadBerLength(string field, out int length)
    {
        length = 0;
        int offset = Offset;
        if (!TryReadByte(field, out byte first))
        {
            return false;
        }

        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            int count = first & 0x7F;
            if (count is 0 or > 2)
            {
                return Fail(DecodeErrorKind.InvalidValue, field, offset, $"BER length form 0x{first:x2} (indefinite or longer than 2 bytes)");
            }

            for (int i = 0; i < count; i++)
            {
                if (!TryReadByte(field, out byte b))
                {
                    return false;
                }

                length = (length << 8) | b;
            }
        }

        return length <= Remaining || Fail(DecodeErrorKind.LengthOutOfRange, field, offset, $"declares {length}, {Remaining} remain");
    }

    /// <summary>Reads a BER tag (one byte, or 0x7F + one byte for application tags above 30) and checks it.</summary>
    public bool TryExpectBerTag(string field, int expectedTag)
    {
        int offset = Offset;
        if (!TryReadByte(field, out byte first))
        {
            return false;
        }

        int tag = first;
        if ((first & 0x1F) == 0x1F)
        {
            if (!TryReadByte(field, out byte second))
            {
                return false;
            }

            tag = (first << 8) | second;
        }

        return tag == expectedTag || Fail(DecodeErrorKind.InvalidValue, field, offset, $"BER tag 0x{tag:x}, expected 0x{expectedTag:x}");
    }

    public bool TryReadBerInteger(string field, out uint value)
    {
        value = 0;
        if (!TryExpectBerTag(field, BerWriter.TagInteger) || !TryReadBerLength(field, out int length))
        {
            return false;
        }

        if (length is < 1 or > 4)
        {
            return Fail(DecodeErrorKind.LengthOutOfRange, field, $"INTEGER of {length} bytes");
        }

        TryReadBytes(field, length, out ReadOnlySpan<byte> bytes);
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        return true;
    }

    public bool TryReadBerEnumerated(string field, out byte value)
    {
        value = 0;
        if (!TryExpectBerTag(field, BerWriter.TagEnumerated) || !TryReadBerLength(field, out int length))
        {
            return false;
        }

        if (length != 1)
        {
            return Fail(DecodeErrorKind.LengthOutOfRange, field, $"ENUMERATED of {length} bytes");
        }

        return TryReadByte(field, out value);
    }

    // ---- PER (ITU-T X.691, aligned), as GCC (T.124) uses it.

    public bool TryReadPerLength(string field, out int length)
    {
        length = 0;
        int offset = Offset;
        if (!TryReadByte(field, out byte first))
        {
            return false;
        }

        if ((first & 0x80) == 0)
        {
            length = first;
        }
        else
        {
            if ((first & 0x40) != 0)
            {
                return Fail(DecodeErrorKind.InvalidValue, field, offset, "PER fragmented length");
            }

            if (!TryReadByte(field, out byte second))
            {
                return false;
            }

            length = ((first & 0x3F) << 8) | second;
        }

        return length <= Remaining || Fail(DecodeErrorKind.LengthOutOfRange, field, offset, $"declares {length}, {Remaining} remain");
    }
}
