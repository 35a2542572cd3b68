using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Licensing;

/// <summary>What a successful exchange changes in the store: the one place the driver and the probe decide it.</summary>
public static class ExchangeStoreUpdate
{
    /// <summary>
    /// The update after an exchange that ended in <paramref name="step"/>, or null when nothing changes: no new HWID and
    /// no CAL, or a CAL byte-identical to the stored one under the same key. A server with no permanent CAL free hands
    /// the client's valid temporary CAL back in UPGRADE_LICENSE at every connection ([MS-RDPELE 3.2.5.5]); rewriting it
    /// would cost a flash erase per connection for nothing.
    /// </summary>
    public static LicenseStoreUpdate? For(LicenseStoreSnapshot stored, ClientHardwareId hardwareId, bool hardwareIdCreated, LicensingStepResult step, DateTimeOffset now, out StoredLicense? license)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(step);
        license = step.License is { } info
            ? new StoredLicense(new LicenseKey(info.Version, info.Scope, info.CompanyName, info.ProductId), info.LicenseInfo, now)
            : null;
        if (license is not null && !hardwareIdCreated && step.Supersedes is null && stored.Find(license.Key) is { } existing && existing.ContentEquals(license))
        {
            license = null;
        }

        return license is null && !hardwareIdCreated ? null : new LicenseStoreUpdate(hardwareIdCreated ? hardwareId : null, license, step.Supersedes);
    }
}
