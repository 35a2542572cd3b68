using TsThinLic.Pdu;

namespace TsThinLic.Records;

/// <summary>
/// A CAL as the store keeps it: its key, the raw pbLicenseInfo bytes exactly as the server sent them
/// ([MS-RDPELE 2.2.2.6.1]), and when it was stored (from the injected clock, never read by the core).
/// </summary>
public sealed class StoredLicense
{
    /// <summary>
    /// The largest pbLicenseInfo a store accepts: the largest a LICENSE_INFO can present to any server the client
    /// accepts (<see cref="LicensingLimits.MaxPresentableLicenseInfoLength"/>, 63,387 bytes), so that no stored CAL
    /// ever makes the next connection fail.
    /// </summary>
    public const int MaxLicenseInfoLength = LicensingLimits.MaxPresentableLicenseInfoLength;

    public StoredLicense(LicenseKey key, ReadOnlyMemory<byte> licenseInfo, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(key.Scope);
        ArgumentNullException.ThrowIfNull(key.CompanyName);
        ArgumentNullException.ThrowIfNull(key.ProductId);
        if (licenseInfo.IsEmpty || licenseInfo.Length > MaxLicenseInfoLength)
        {
            throw new ArgumentOutOfRangeException(nameof(licenseInfo), licenseInfo.Length, $"A license is 1 to {MaxLicenseInfoLength} bytes (the most a LICENSE_INFO can present).");
        }

        Key = key;
        // Copied so that no caller can change a stored license through a buffer it still holds.
        LicenseInfo = licenseInfo.ToArray();
        StoredAt = storedAt;
    }

    /// <summary>The store key (dwVersion, scope, company, product).</summary>
    public LicenseKey Key { get; }

    /// <summary>pbLicenseInfo: the CAL (a PKCS#7 SignedData, [MS-RDPELE 2.2.2.9]).</summary>
    public ReadOnlyMemory<byte> LicenseInfo { get; }

    /// <summary>When the store received it.</summary>
    public DateTimeOffset StoredAt { get; }

    /// <summary>Same key and byte-identical license (the time stored is not compared).</summary>
    public bool ContentEquals(StoredLicense other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Key == other.Key && LicenseInfo.Span.SequenceEqual(other.LicenseInfo.Span);
    }
}
