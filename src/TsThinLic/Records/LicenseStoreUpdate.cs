using TsThinLic.Pdu;

namespace TsThinLic.Records;

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
