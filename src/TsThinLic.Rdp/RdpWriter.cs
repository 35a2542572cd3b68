using System.Buffers.Binary;

namespace TsThinLic.Rdp;

/// <summary>A small growable buffer the RDP encoders write into (little- and big-endian fields, BER/PER lengths).</summary>
internal sealed class RdpWriter
{
    private byte[] _buffer;
    private int _length;

    public RdpWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void WriteZeros(int count) => Reserve(count);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteUInt16BigEndian(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    /// <summary>Writes <paramref name="text"/> as UTF-16LE into a fixed field of <paramref name="fieldLength"/> bytes (NUL-padded, truncated so one NUL always remains).</summary>
    public void WriteFixedUnicode(string text, int fieldLength)
    {
        Span<byte> field = Reserve(fieldLength);
        int chars = Math.Min(text.Length, (fieldLength / 2) - 1);
        System.Text.Encoding.Unicode.GetBytes(text.AsSpan(0, chars), field);
    }

    /// <summary>Overwrites a 16-bit big-endian value at <paramref name="offset"/> (TPKT length).</summary>
    public void PatchUInt16BigEndian(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset, 2), value);

    public void PatchUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(offset, 2), value);
}
