using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.3.1] Client Hardware Identification (CLIENT_HARDWARE_ID): PlatformId, Data1, Data2, Data3, Data4.
/// Sent only encrypted (EncryptedHWID) and MACed.
/// </summary>
public readonly struct ClientHardwareId : IEquatable<ClientHardwareId>
{
    public const int Length = 4 /* PlatformId */ + 4 /* Data1 */ + 4 /* Data2 */ + 4 /* Data3 */ + 4 /* Data4 */;

    /// <summary>Data1..Data4 together.</summary>
    public const int DataLength = 16;

    private readonly byte[]? _data;

    /// <exception cref="ArgumentException"><paramref name="data"/> is not 16 bytes.</exception>
    public ClientHardwareId(uint platformId, ReadOnlySpan<byte> data)
    {
        if (data.Length != DataLength)
        {
            throw new ArgumentException($"The hardware ID data (Data1..Data4) is {DataLength} bytes.", nameof(data));
        }

        PlatformId = platformId;
        _data = data.ToArray();
    }

    public ClientHardwareId(uint platformId, uint data1, uint data2, uint data3, uint data4)
    {
        PlatformId = platformId;
        _data = new byte[DataLength];
        BinaryPrimitives.WriteUInt32LittleEndian(_data, data1);
        BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(4), data2);
        BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(8), data3);
        BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(12), data4);
    }

    /// <summary>PlatformId: client OS ID in the top byte, ISV ID in the next (0x04010000 for Windows clients).</summary>
    public uint PlatformId { get; }

    /// <summary>Data1..Data4 as on the wire (16 bytes; zeros for a default value).</summary>
    public ReadOnlyMemory<byte> Data => _data ?? new byte[DataLength];

    public uint Data1 => Word(0);

    public uint Data2 => Word(4);

    public uint Data3 => Word(8);

    public uint Data4 => Word(12);

    public static bool operator ==(ClientHardwareId left, ClientHardwareId right) => left.Equals(right);

    public static bool operator !=(ClientHardwareId left, ClientHardwareId right) => !left.Equals(right);

    /// <summary>Decodes exactly 20 bytes (a decrypted EncryptedHWID).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out ClientHardwareId hardwareId, out DecodeError error)
    {
        hardwareId = default;
        if (data.Length < Length)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "PlatformId", 0, $"needs {Length}, {data.Length} remain");
            return false;
        }

        if (data.Length > Length)
        {
            error = new DecodeError(DecodeErrorKind.TrailingData, "Data4", Length, $"{data.Length - Length} bytes left after the structure");
            return false;
        }

        hardwareId = new ClientHardwareId(BinaryPrimitives.ReadUInt32LittleEndian(data), data.Slice(4, DataLength));
        error = default;
        return true;
    }

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < Length)
        {
            bytesWritten = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, PlatformId);
        Data.Span.CopyTo(destination.Slice(4));
        bytesWritten = Length;
        return true;
    }

    public byte[] ToArray()
    {
        byte[] bytes = new byte[Length];
        TryEncode(bytes, out _);
        return bytes;
    }

    public bool Equals(ClientHardwareId other) => PlatformId == other.PlatformId && Data.Span.SequenceEqual(other.Data.Span);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ClientHardwareId other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PlatformId);
        hash.AddBytes(Data.Span);
        return hash.ToHashCode();
    }

    /// <summary>The 20 wire bytes in lowercase hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(ToArray());

    private uint Word(int offset) => _data is null ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(offset));
}
