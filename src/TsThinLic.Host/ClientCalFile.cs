using TsThinLic.Cal;
using TsThinLic.Records;

namespace TsThinLic.Host;

/// <summary>One .cal file of a FreeRDP or rdesktop store.</summary>
/// <param name="FileName">The file's name (the hash of the host name it belongs to, ".cal").</param>
/// <param name="Path">Its full path.</param>
/// <param name="Bytes">The raw CAL (pbLicenseInfo), empty when the file was too large to be one.</param>
/// <param name="Cal">The CAL decoded, or null.</param>
/// <param name="DecodeError">Why it does not decode, or null.</param>
/// <param name="HostName">The client host name whose hash is the file's name, when one is known.</param>
/// <param name="Modified">The file's modification time (when the client stored the CAL).</param>
internal sealed record ClientCalFile(string FileName, string Path, byte[] Bytes, ClientAccessLicense? Cal, string? DecodeError, string? HostName, DateTime Modified)
{
    /// <summary>When the client stored the CAL (the file's time), to the second, as the stores keep a CAL's time.</summary>
    public DateTimeOffset StoredAt
    {
        get
        {
            var utc = new DateTimeOffset(DateTime.SpecifyKind(Modified, DateTimeKind.Utc));
            return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>
    /// The store key of [MS-RDPELE] NEW_LICENSE_INFO the CAL was issued under, from its own fields (product version,
    /// scope, manufacturer, product ID): what our store keys it by.
    /// </summary>
    public LicenseKey? Key => Cal is { } cal
        ? new LicenseKey(
            cal.Leaf.ProductInfo is { } product ? ((uint)product.ProductVersion.Major << 16) | product.ProductVersion.Minor : 0,
            cal.Scope ?? "microsoft.com",
            cal.Leaf.Manufacturer ?? "Microsoft Corporation",
            cal.Leaf.ProductInfo?.RequestedProductId ?? "A02")
        : null;
}
