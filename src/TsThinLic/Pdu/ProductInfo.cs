namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.1.1] Product Information (PRODUCT_INFO): dwVersion, cbCompanyName, pbCompanyName, cbProductId,
/// pbProductId. Both strings are UTF-16LE with a terminating NUL on the wire; the raw bytes are kept for re-encoding.
/// </summary>
public sealed class ProductInfo
{
    public const int MinimumLength = 4 /* dwVersion */ + 4 /* cbCompanyName */ + 4 /* cbProductId */;

    private string? _companyName;
    private string? _productId;

    /// <summary>Builds product info from strings; each is written UTF-16LE with a NUL.</summary>
    public ProductInfo(uint version, string companyName, string productId)
        : this(version, WireStrings.EncodeUnicodeZ(companyName), WireStrings.EncodeUnicodeZ(productId))
    {
    }

    /// <summary>Builds product info from the raw pbCompanyName and pbProductId bytes (NUL included).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is longer than <see cref="LicensingLimits.MaxStringLength"/>.</exception>
    public ProductInfo(uint version, ReadOnlyMemory<byte> companyNameBytes, ReadOnlyMemory<byte> productIdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(companyNameBytes.Length, LicensingLimits.MaxStringLength, nameof(companyNameBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(productIdBytes.Length, LicensingLimits.MaxStringLength, nameof(productIdBytes));
        Version = version;
        CompanyNameBytes = companyNameBytes;
        ProductIdBytes = productIdBytes;
    }

    /// <summary>dwVersion: the product version, major in the high word (0x00060000 for Windows Server 2008).</summary>
    public uint Version { get; }

    /// <summary>pbCompanyName without its NUL, e.g. "Microsoft Corporation".</summary>
    public string CompanyName => _companyName ??= WireStrings.DecodeUnicodeZ(CompanyNameBytes.Span);

    /// <summary>pbProductId without its NUL, e.g. "A02".</summary>
    public string ProductId => _productId ??= WireStrings.DecodeUnicodeZ(ProductIdBytes.Span);

    /// <summary>pbCompanyName as on the wire (cbCompanyName bytes).</summary>
    public ReadOnlyMemory<byte> CompanyNameBytes { get; }

    /// <summary>pbProductId as on the wire (cbProductId bytes).</summary>
    public ReadOnlyMemory<byte> ProductIdBytes { get; }

    public int EncodedLength => MinimumLength + CompanyNameBytes.Length + ProductIdBytes.Length;

    public override string ToString() => $"{CompanyName} {ProductId} 0x{Version:X8}";

    internal static bool TryRead(ref WireReader reader, out ProductInfo? info, out DecodeError error)
    {
        info = null;
        if (!reader.TryReadUInt32("dwVersion", out uint version)
            || !TryReadUnicode(ref reader, "cbCompanyName", out ReadOnlyMemory<byte> company)
            || !TryReadUnicode(ref reader, "cbProductId", out ReadOnlyMemory<byte> product))
        {
            error = reader.Error;
            return false;
        }

        info = new ProductInfo(version, company, product);
        error = default;
        return true;
    }

    /// <summary>A cb-prefixed UTF-16LE string; an odd byte count cannot be UTF-16 and is rejected.</summary>
    internal static bool TryReadUnicode(ref WireReader reader, string lengthField, out ReadOnlyMemory<byte> bytes)
    {
        int fieldOffset = reader.Offset;
        bytes = default;
        if (!reader.TryReadLength32(lengthField, LicensingLimits.MaxStringLength, out int length))
        {
            return false;
        }

        if ((length & 1) != 0)
        {
            reader.Fail(DecodeErrorKind.InvalidValue, lengthField, fieldOffset, $"declares {length}: odd for a UTF-16LE string");
            return false;
        }

        return reader.TryReadBytes(lengthField, length, out bytes);
    }

    internal void Write(ref WireWriter writer)
    {
        writer.WriteUInt32(Version);
        writer.WriteLengthPrefixed32(CompanyNameBytes.Span);
        writer.WriteLengthPrefixed32(ProductIdBytes.Span);
    }
}
