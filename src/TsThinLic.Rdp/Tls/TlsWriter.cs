namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 4] Writes big-endian numbers and length-prefixed vectors: a vector's length field is reserved by
/// <see cref="BeginVector"/> and filled in by <see cref="EndVector"/> once its contents are written.
/// </summary>
internal sealed class TlsWriter
{
    private byte[] _buffer;
    private int _length;

    public TlsWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void WriteUInt8(int value) => Reserve(1)[0] = (byte)value;

    public void WriteUInt16(int value)
    {
        Span<byte> field = Reserve(2);
        field[0] = (byte)(value >> 8);
        field[1] = (byte)value;
    }

    public void WriteUInt24(int value)
    {
        Span<byte> field = Reserve(3);
        field[0] = (byte)(value >> 16);
        field[1] = (byte)(value >> 8);
        field[2] = (byte)value;
    }

    public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Reserves a length field of <paramref name="lengthBytes"/> bytes; returns where it is.</summary>
    public int BeginVector(int lengthBytes)
    {
        int at = _length;
        Reserve(lengthBytes).Clear();
        return at;
    }

    /// <summary>Fills the length field reserved at <paramref name="at"/> with the length of what followed it.</summary>
    public void EndVector(int at, int lengthBytes)
    {
        int length = _length - at - lengthBytes;
        if (length >> (8 * lengthBytes) != 0)
        {
            throw new InvalidOperationException($"A vector of {length} bytes does not fit a {lengthBytes}-byte length.");
        }

        for (int i = 0; i < lengthBytes; i++)
        {
            _buffer[at + i] = (byte)(length >> (8 * (lengthBytes - 1 - i)));
        }
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Clear() => _length = 0;

    /// <summary>Drops the first <paramref name="count"/> bytes (consumed input), keeping the rest.</summary>
    public void RemovePrefix(int count)
    {
        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> field = _buffer.AsSpan(_length, count);
        _length += count;
        return field;
    }
}
