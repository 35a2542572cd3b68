using TsThinLic.Pdu;

namespace TsThinLic.Storage;

/// <summary>
/// One atomic change to a store, as a successful exchange produces it: the HWID to keep (when it is new), the CAL to
/// keep, and the key of the CAL it supersedes (an upgrade whose key changed). A store applies all of it or none.
/// </summary>
public sealed class LicenseStoreUpdate
{
    public LicenseStoreUpdate(ClientHardwareId? hardwareId, StoredLicense? license, LicenseKey? supersedes)
    {
        if (hardwareId is null && license is null)
        {
            throw new ArgumentException("An update carries a HWID, a license, or both.");
        }

        if (supersedes is not null && license is null)
        {
            throw new ArgumentException("Only a new license supersedes another.", nameof(supersedes));
        }

        HardwareId = hardwareId;
        License = license;
        Supersedes = supersedes;
    }

    /// <summary>The HWID to store, or null to keep the stored one.</summary>
    public ClientHardwareId? HardwareId { get; }

    /// <summary>The CAL to store (replacing any with the same key), or null.</summary>
    public StoredLicense? License { get; }

    /// <summary>The key of a CAL this one replaces (removed after the new one is written), or null.</summary>
    public LicenseKey? Supersedes { get; }
}

/// <summary>What a successful exchange changes in the store: the one place the driver and the probe decide it.</summary>
public static class ExchangeStoreUpdate
{
    /// <summary>
    /// The update after an exchange that ended in <paramref name="step"/>, or null when nothing changes: no new HWID and
    /// no CAL, or a CAL byte-identical to the stored one under the same key. A server with no permanent CAL free hands
    /// the client's valid temporary CAL back in UPGRADE_LICENSE at every connection ([MS-RDPELE 3.2.5.5]); rewriting it
    /// would cost a flash erase per connection for nothing.
    /// </summary>
    public static LicenseStoreUpdate? For(LicenseStoreSnapshot stored, ClientHardwareId hardwareId, bool hardwareIdCreated, Licensing.LicensingStepResult step, DateTimeOffset now, out StoredLicense? license)
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
