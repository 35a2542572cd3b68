namespace TsThinLic.Cal;

/// <summary>
/// The CAL leaf's licensed-product-info extension (1.3.6.1.4.1.311.18.5), undocumented by [MS-RDPELE] and read from
/// real CALs: dwVersion, dwQuantity, dwPlatformID, dwLanguageID, then offset/size pairs of the requested and
/// adjusted product IDs (NUL-terminated UTF-16LE) and of the version entries.
/// </summary>
public sealed class LicensedProductInfo
{
    internal LicensedProductInfo(uint version, uint licenseCount, uint platformId, uint languageId, string requestedProductId, string adjustedProductId, IReadOnlyList<LicensedProductVersion> versions)
    {
        Version = version;
        LicenseCount = licenseCount;
        PlatformId = platformId;
        LanguageId = languageId;
        RequestedProductId = requestedProductId;
        AdjustedProductId = adjustedProductId;
        Versions = versions;
    }

    /// <summary>dwVersion of the structure (0x00003000 seen).</summary>
    public uint Version { get; }

    /// <summary>dwQuantity: how many licenses this CAL stands for (1 for a device CAL).</summary>
    public uint LicenseCount { get; }

    /// <summary>dwPlatformID as the license server recorded it.</summary>
    public uint PlatformId { get; }

    /// <summary>dwLanguageID.</summary>
    public uint LanguageId { get; }

    /// <summary>The product the client asked for (ProductInfo.pbProductId, "A02").</summary>
    public string RequestedProductId { get; }

    /// <summary>The license ID the server issued, e.g. "A02-6.00-S": what TSCTST shows as the license type.</summary>
    public string AdjustedProductId { get; }

    /// <summary>The product versions and their flags (one entry on every CAL seen).</summary>
    public IReadOnlyList<LicensedProductVersion> Versions { get; }

    /// <summary>The first version entry, or a zero one when there is none.</summary>
    public LicensedProductVersion ProductVersion => Versions.Count > 0 ? Versions[0] : default;
}
