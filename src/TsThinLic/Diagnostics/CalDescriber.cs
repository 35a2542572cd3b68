using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Pdu;

namespace TsThinLic.Diagnostics;

/// <summary>
/// Writes a CAL the way TSCTST showed it: license ID and what it means, temporary or permanent, issuer and scope,
/// issued-to machine and user, validity with days left, and the HWID in the CAL against the device's.
/// </summary>
public static class CalDescriber
{
    /// <summary>Writes the CAL in <paramref name="licenseInfo"/> as the object <paramref name="name"/>.</summary>
    /// <param name="name">The JSON name of the object ("cal").</param>
    /// <param name="licenseInfo">pbLicenseInfo.</param>
    /// <param name="deviceHardwareId">The device's HWID, to say whether the CAL belongs to it; null if unknown.</param>
    /// <param name="now">The injected clock's time, for days left; null to leave it out.</param>
    /// <param name="writer">Where the fields go.</param>
    public static void Describe(string name, ReadOnlySpan<byte> licenseInfo, ClientHardwareId? deviceHardwareId, DateTimeOffset? now, IFieldWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.StartObject(name);
        DescribeFields(licenseInfo, deviceHardwareId, now, writer);
        writer.EndObject();
    }

    /// <summary>Writes the CAL's fields into the object the caller has open.</summary>
    public static void DescribeFields(ReadOnlySpan<byte> licenseInfo, ClientHardwareId? deviceHardwareId, DateTimeOffset? now, IFieldWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!ClientAccessLicense.TryDecode(licenseInfo, out ClientAccessLicense? cal, out DecodeError error))
        {
            writer.WriteString("error", error.ToString());
            return;
        }

        writer.WriteString("licenseId", cal.LicenseId ?? string.Empty);
        writer.WriteString("licenseType", LicenseIdCatalog.Describe(cal.LicenseId));
        writer.WriteBoolean("temporary", cal.IsTemporary);
        writer.WriteString("issuer", cal.Issuer ?? string.Empty);
        writer.WriteString("scope", cal.Scope ?? string.Empty);
        writer.WriteString("issuedToMachine", cal.IssuedToMachine ?? string.Empty);
        writer.WriteString("issuedToUser", cal.IssuedToUser ?? string.Empty);
        if (cal.Leaf.NotBefore is { } validFrom)
        {
            writer.WriteString("validFrom", validFrom.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        if (cal.Leaf.NotAfter is { } expiresOn)
        {
            writer.WriteString("expiresOn", expiresOn.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            if (now is { } time)
            {
                writer.WriteNumber("daysLeft", (long)Math.Floor((expiresOn - time).TotalDays));
            }
        }

        if (cal.HardwareId is { } hardwareId)
        {
            writer.WriteString("hwid", hardwareId.ToString());
            if (deviceHardwareId is { } device)
            {
                writer.WriteBoolean("hwidMatchesDevice", device == hardwareId);
            }
        }

        if (cal.Leaf.ServerInfo is { } server)
        {
            writer.WriteString("licenseServerName", server.Name);
            writer.WriteString("licenseServerId", server.Id);
        }

        if (cal.Leaf.ProductInfo is { } product)
        {
            writer.StartObject("productVersion");
            writer.WriteNumber("major", product.ProductVersion.Major);
            writer.WriteNumber("minor", product.ProductVersion.Minor);
            writer.WriteString("flags", $"0x{product.ProductVersion.Flags:x8}");
            writer.EndObject();
            writer.WriteString("platformId", $"0x{product.PlatformId:x8}");
            writer.WriteNumber("licenseCount", product.LicenseCount);
        }

        writer.WriteNumber("certificateCount", cal.CertificateCount);
    }
}
