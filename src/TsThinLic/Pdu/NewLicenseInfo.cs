using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.6.1] New License Information (NEW_LICENSE_INFO): dwVersion, cbScope, pbScope, cbCompanyName,
/// pbCompanyName, cbProductId, pbProductId, cbLicenseInfo, pbLicenseInfo: the plaintext of the EncryptedLicenseInfo of
/// SERVER_NEW_LICENSE and SERVER_UPGRADE_LICENSE. The scope is ANSI with a NUL; company and product are UTF-16LE with a
/// NUL; the raw bytes are kept. pbLicenseInfo is the CAL ([MS-RDPELE 2.2.2.9]).
/// </summary>
public sealed class NewLicenseInfo
{
    public const int MinimumLength = 4 /* dwVersion */ + 4 /* cbScope */ + 4 /* cbCompanyName */ + 4 /* cbProductId */ + 4 /* cbLicenseInfo */;

    private string? _scope;
    private string? _companyName;
    private string? _productId;

    /// <summary>Builds the structure from strings (scope ANSI, company and product UTF-16LE, each with a NUL).</summary>
    public NewLicenseInfo(uint version, string scope, string companyName, string productId, ReadOnlyMemory<byte> licenseInfo)
        : this(version, WireStrings.EncodeAnsiZ(scope), WireStrings.EncodeUnicodeZ(companyName), WireStrings.EncodeUnicodeZ(productId), licenseInfo)
    {
    }

    /// <summary>Builds the structure from the raw pbScope, pbCompanyName and pbProductId bytes (NULs included).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field exceeds its maximum in <see cref="LicensingLimits"/>.</exception>
    public NewLicenseInfo(uint version, ReadOnlyMemory<byte> scopeBytes, ReadOnlyMemory<byte> companyNameBytes, ReadOnlyMemory<byte> productIdBytes, ReadOnlyMemory<byte> licenseInfo)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scopeBytes.Length, LicensingLimits.MaxStringLength, nameof(scopeBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(companyNameBytes.Length, LicensingLimits.MaxStringLength, nameof(companyNameBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(productIdBytes.Length, LicensingLimits.MaxStringLength, nameof(productIdBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(licenseInfo.Length, LicensingLimits.MaxLicenseInfoLength, nameof(licenseInfo));
        Version = version;
        ScopeBytes = scopeBytes;
        CompanyNameBytes = companyNameBytes;
        ProductIdBytes = productIdBytes;
        LicenseInfo = licenseInfo;
    }

    /// <summary>dwVersion: the licensed product version (0x00060000 in [MS-RDPELE 4.6]).</summary>
    public uint Version { get; }

    /// <summary>pbScope without its NUL, e.g. "microsoft.com".</summary>
    public string Scope => _scope ??= WireStrings.DecodeAnsiZ(ScopeBytes.Span);

    /// <summary>pbCompanyName without its NUL.</summary>
    public string CompanyName => _companyName ??= WireStrings.DecodeUnicodeZ(CompanyNameBytes.Span);

    /// <summary>pbProductId without its NUL.</summary>
    public string ProductId => _productId ??= WireStrings.DecodeUnicodeZ(ProductIdBytes.Span);

    public ReadOnlyMemory<byte> ScopeBytes { get; }

    public ReadOnlyMemory<byte> CompanyNameBytes { get; }

    public ReadOnlyMemory<byte> ProductIdBytes { get; }

    /// <summary>pbLicenseInfo: the CAL, a PKCS#7 SignedData carrying certificates.</summary>
    public ReadOnlyMemory<byte> LicenseInfo { get; }

    public int GetEncodedLength() => MinimumLength + ScopeBytes.Length + CompanyNameBytes.Length + ProductIdBytes.Length + LicenseInfo.Length;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < GetEncodedLength())
        {
            bytesWritten = 0;
            return false;
        }

        var writer = new WireWriter(destination);
        writer.WriteUInt32(Version);
        writer.WriteLengthPrefixed32(ScopeBytes.Span);
        writer.WriteLengthPrefixed32(CompanyNameBytes.Span);
        writer.WriteLengthPrefixed32(ProductIdBytes.Span);
        writer.WriteLengthPrefixed32(LicenseInfo.Span);
        bytesWritten = writer.Position;
        return true;
    }

    public byte[] ToArray()
    {
        byte[] bytes = new byte[GetEncodedLength()];
        TryEncode(bytes, out _);
        return bytes;
    }

    /// <summary>Decodes the decrypted EncryptedLicenseInfo; it must be exactly one NEW_LICENSE_INFO. Never throws on data.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out NewLicenseInfo? info, out DecodeError error)
    {
        info = null;
        if (data.Length > LicensingLimits.MaxDecryptedStructureLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "wBlobLen", 0, $"{data.Length} bytes, maximum {LicensingLimits.MaxDecryptedStructureLength}");
            return false;
        }

        var reader = new WireReader(data.ToArray(), 0);
        if (!reader.TryReadUInt32("dwVersion", out uint version)
            || !reader.TryReadLength32("cbScope", LicensingLimits.MaxStringLength, out int scopeLength)
            || !reader.TryReadBytes("pbScope", scopeLength, out ReadOnlyMemory<byte> scope)
            || !ProductInfo.TryReadUnicode(ref reader, "cbCompanyName", out ReadOnlyMemory<byte> company)
            || !ProductInfo.TryReadUnicode(ref reader, "cbProductId", out ReadOnlyMemory<byte> product)
            || !reader.TryReadLength32("cbLicenseInfo", LicensingLimits.MaxLicenseInfoLength, out int licenseLength)
            || !reader.TryReadBytes("pbLicenseInfo", licenseLength, out ReadOnlyMemory<byte> license)
            || !reader.TryExpectEnd("cbLicenseInfo"))
        {
            error = reader.Error;
            return false;
        }

        info = new NewLicenseInfo(version, scope, company, product, license);
        error = default;
        return true;
    }

    public override string ToString() => $"{Scope} {CompanyName} {ProductId} 0x{Version:X8} ({LicenseInfo.Length}-byte license)";
}
