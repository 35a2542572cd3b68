using System.Buffers.Binary;
using System.Text;

namespace TsThinLic.Storage.Registry;

/// <summary>One registry value as raw bytes and its type, exactly as RegQueryValueEx returns it.</summary>
public sealed class RegistryValue
{
    public RegistryValue(RegistryValueType type, ReadOnlySpan<byte> data)
    {
        Type = type;
        Data = data.ToArray();
    }

    public RegistryValueType Type { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public static RegistryValue Binary(ReadOnlySpan<byte> data) => new(RegistryValueType.Binary, data);

    public static RegistryValue DWord(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return new RegistryValue(RegistryValueType.DWord, bytes);
    }

    public static RegistryValue QWord(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return new RegistryValue(RegistryValueType.QWord, bytes);
    }

    /// <summary>A REG_SZ: UTF-16LE with its terminating NUL, as Windows stores it.</summary>
    public static RegistryValue String(string value) => new(RegistryValueType.String, Encoding.Unicode.GetBytes(value + "\0"));

    public bool ContentEquals(RegistryValue other) => Type == other.Type && Data.Span.SequenceEqual(other.Data.Span);

    public override string ToString() => $"{Type}:{Convert.ToHexStringLower(Data.Span)}";
}
