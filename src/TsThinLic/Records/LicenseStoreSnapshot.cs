using TsThinLic.Pdu;

namespace TsThinLic.Records;

/// <summary>
/// What a store holds at one moment: the client's HWID (absent until the first successful exchange) and its CALs.
/// Immutable, so the sans-I/O client can be handed it without reaching back into the store.
/// </summary>
public sealed class LicenseStoreSnapshot
{
    public static LicenseStoreSnapshot Empty { get; } = new(null, []);

    public LicenseStoreSnapshot(ClientHardwareId? hardwareId, IReadOnlyList<StoredLicense> licenses)
    {
        ArgumentNullException.ThrowIfNull(licenses);
        HardwareId = hardwareId;
        Licenses = licenses.ToArray();
    }

    /// <summary>The stored HWID, or null when none has been stored yet (or it was wiped).</summary>
    public ClientHardwareId? HardwareId { get; }

    /// <summary>The stored CALs, one per <see cref="LicenseKey"/>.</summary>
    public IReadOnlyList<StoredLicense> Licenses { get; }

    /// <summary>The stored license with this key, if any.</summary>
    public StoredLicense? Find(LicenseKey key)
    {
        foreach (StoredLicense license in Licenses)
        {
            if (license.Key == key)
            {
                return license;
            }
        }

        return null;
    }
}
