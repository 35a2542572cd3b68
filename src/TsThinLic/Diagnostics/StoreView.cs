using TsThinLic.Crypto;
using TsThinLic.Records;

namespace TsThinLic.Diagnostics;

/// <summary>
/// The TSCTST view of a store (<c>tsthinlic show</c>, and the C library's show call): the HWID and its fingerprint,
/// and for every stored CAL its store key, length and the CAL's own fields (<see cref="CalDescriber"/>). Reading never
/// creates a HWID.
/// </summary>
public static class StoreView
{
    /// <summary>
    /// Writes <c>store</c> (the label given), <c>hwid</c>, <c>hwidFingerprint</c> and <c>licenses</c>; <paramref name="now"/>
    /// is the injected clock's time, for days left.
    /// </summary>
    public static void Describe(string store, LicenseStoreSnapshot snapshot, DateTimeOffset now, IFieldWriter writer)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("store", store);
        if (snapshot.HardwareId is { } hardwareId)
        {
            writer.WriteString("hwid", hardwareId.ToString());
            writer.WriteString("hwidFingerprint", HardwareIdFingerprint.Compute(hardwareId.ToArray()));
        }
        else
        {
            writer.WriteString("hwid", string.Empty);
        }

        writer.StartArray("licenses");
        foreach (StoredLicense license in snapshot.Licenses)
        {
            writer.StartObjectElement();
            writer.StartObject("storeKey");
            writer.WriteString("version", $"0x{license.Key.Version:x8}");
            writer.WriteString("scope", license.Key.Scope);
            writer.WriteString("companyName", license.Key.CompanyName);
            writer.WriteString("productId", license.Key.ProductId);
            writer.EndObject();
            writer.WriteNumber("length", license.LicenseInfo.Length);
            // The CAL's own fields sit beside the store key, as the JSON names them (licenses[].licenseId, …).
            CalDescriber.DescribeFields(license.LicenseInfo.Span, snapshot.HardwareId, now, writer);
            writer.EndObject();
        }

        writer.EndArray();
    }
}
