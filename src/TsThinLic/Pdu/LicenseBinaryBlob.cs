namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12.1.2] Licensing Binary BLOB (LICENSE_BINARY_BLOB): wBlobType, wBlobLen, blobData.
/// The type is kept exactly as received: servers send junk where the spec ignores it (xrdp's bbErrorInfo 0x1428,
/// the 0xF750 of [MS-RDPELE 4.4], EncryptedHWID type 1 instead of 9), and a decoded message must re-encode byte for byte.
/// </summary>
public readonly struct LicenseBinaryBlob : IEquatable<LicenseBinaryBlob>
{
    public const int HeaderLength = 2 /* wBlobType */ + 2 /* wBlobLen */;

    /// <exception cref="ArgumentOutOfRangeException">The data does not fit wBlobLen (65535 bytes).</exception>
    public LicenseBinaryBlob(ushort blobType, ReadOnlyMemory<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, LicensingLimits.MaxBlobLength, nameof(data));
        BlobType = blobType;
        Data = data;
    }

    public LicenseBinaryBlob(BinaryBlobType blobType, ReadOnlyMemory<byte> data)
        : this((ushort)blobType, data)
    {
    }

    /// <summary>wBlobType, as received.</summary>
    public ushort BlobType { get; }

    /// <summary>blobData (wBlobLen bytes).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether wBlobLen is 0: then the spec says the type means nothing.</summary>
    public bool IsEmpty => Data.IsEmpty;

    public int EncodedLength => HeaderLength + Data.Length;

    public static LicenseBinaryBlob Empty(BinaryBlobType blobType) => new(blobType, ReadOnlyMemory<byte>.Empty);

    public static bool operator ==(LicenseBinaryBlob left, LicenseBinaryBlob right) => left.Equals(right);

    public static bool operator !=(LicenseBinaryBlob left, LicenseBinaryBlob right) => !left.Equals(right);

    /// <summary>Same type and same bytes.</summary>
    public bool Equals(LicenseBinaryBlob other) => BlobType == other.BlobType && Data.Span.SequenceEqual(other.Data.Span);

    public override bool Equals(object? obj) => obj is LicenseBinaryBlob other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(BlobType);
        hash.AddBytes(Data.Span);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{LicensingSpecNames.BlobType(BlobType)} ({Data.Length} bytes)";
}
