using System.Buffers.Binary;

namespace TsThinLic.Pdu;

/// <summary>Writes little-endian licensing fields into a span the caller has sized with GetEncodedLength.</summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public WireWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteByte(byte value)
    {
        _span[_position] = value;
        _position++;
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_span.Slice(_position), value);
        _position += sizeof(ushort);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_span.Slice(_position), value);
        _position += sizeof(uint);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span.Slice(_position));
        _position += value.Length;
    }

    /// <summary>A 32-bit length then the bytes (cbCompanyName + pbCompanyName and the like).</summary>
    public void WriteLengthPrefixed32(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteBytes(value);
    }

    public void WriteBlob(LicenseBinaryBlob blob)
    {
        WriteUInt16(blob.BlobType);
        WriteUInt16((ushort)blob.Data.Length);
        WriteBytes(blob.Data.Span);
    }
}
