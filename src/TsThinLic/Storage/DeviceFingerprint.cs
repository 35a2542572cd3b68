using System.IO.Hashing;
using System.Text;

namespace TsThinLic.Storage;

/// <summary>
/// A short value that names the device a HWID was made on, kept beside the HWID so that a cloned image notices it runs
/// on other hardware and makes its own HWID (DESIGN.md, Stores). It is never sent to a server and never becomes the
/// HWID (the HWID stays 16 CSPRNG bytes); it only has to differ between devices, so a non-cryptographic 128-bit hash
/// (XXH128) of the device's identity sources is enough. The host chooses the sources (DMI product UUID, device-tree
/// serial number, machine-id): the library never reads a path.
/// </summary>
public readonly record struct DeviceFingerprint
{
    /// <summary>Stored length in bytes.</summary>
    public const int Length = 16;

    private readonly UInt128 _value;

    public DeviceFingerprint(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A device fingerprint is {Length} bytes.", nameof(bytes));
        }

        _value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    /// <summary>Hashes identity sources given as (name, value) pairs; the order is irrelevant.</summary>
    public static DeviceFingerprint Compute(IEnumerable<KeyValuePair<string, string>> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var hash = new XxHash128();
        foreach (KeyValuePair<string, string> source in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            hash.Append(Encoding.UTF8.GetBytes(source.Key + "=" + source.Value.Trim() + "\n"));
        }

        Span<byte> bytes = stackalloc byte[Length];
        hash.GetHashAndReset(bytes);
        return new DeviceFingerprint(bytes);
    }

    public void WriteTo(Span<byte> destination) => System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(destination, _value);

    public byte[] ToArray()
    {
        byte[] bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
