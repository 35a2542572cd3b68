using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Host;

/// <summary>
/// The <c>device</c> object of <c>doctor --json</c>: what <c>tsthinlic fleet</c> needs to compare many devices' reports
/// (<see cref="FleetReport"/>): the device's name, the report's time, its HWID as the short fingerprint people quote
/// and as a full SHA-256 hash (clones are found by equal hashes; the HWID itself never leaves the device), whether the
/// store could be read, and a summary of every CAL (license ID, temporary, issuer, validity, days left, whose HWID).
/// </summary>
internal static class DoctorDeviceSummary
{
    /// <summary>The report format fleet reads; raised when a field changes meaning.</summary>
    public const int FormatVersion = 1;

    /// <param name="snapshot">What the store holds; null when it could not be read.</param>
    public static void Describe(IFieldWriter writer, string deviceName, DateTimeOffset now, LicenseStoreSnapshot? snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.StartObject("device");
        writer.WriteNumber("reportVersion", FormatVersion);
        writer.WriteString("name", deviceName);
        writer.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteBoolean("storeReadable", snapshot is not null);
        if (snapshot?.HardwareId is { } hwid)
        {
            writer.WriteString("hwidFingerprint", HardwareIdFingerprint.Compute(hwid.ToArray()));
            writer.WriteString("hwidHash", Hash(hwid));
        }

        writer.StartArray("cals");
        foreach (StoredLicense license in snapshot?.Licenses ?? [])
        {
            writer.StartObjectElement();
            if (!ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out ClientAccessLicense? cal, out DecodeError error))
            {
                writer.WriteString("error", error.ToString());
                writer.EndObject();
                continue;
            }

            writer.WriteString("licenseId", cal.LicenseId ?? string.Empty);
            writer.WriteBoolean("temporary", cal.IsTemporary);
            writer.WriteString("issuer", cal.Issuer ?? string.Empty);
            writer.WriteString("scope", cal.Scope ?? string.Empty);
            if (cal.Leaf.NotBefore is { } from)
            {
                writer.WriteString("validFrom", from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            if (cal.Leaf.NotAfter is { } to)
            {
                writer.WriteString("expiresOn", to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                writer.WriteNumber("daysLeft", (long)Math.Floor((to - now).TotalDays));
            }

            if (cal.HardwareId is { } bound)
            {
                writer.WriteString("hwidHash", Hash(bound));
                if (snapshot!.HardwareId is { } device)
                {
                    writer.WriteBoolean("hwidMatchesDevice", bound == device);
                }
            }

            writer.EndObject();
        }

        writer.EndArray();
        writer.EndObject();
    }

    /// <summary>SHA-256 of the 20-byte HWID, lowercase hex: equal on clones, and not the HWID.</summary>
    public static string Hash(ClientHardwareId hardwareId) => HardwareIdFingerprint.ComputeHash(hardwareId.ToArray());
}
