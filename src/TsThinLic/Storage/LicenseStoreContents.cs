using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// Everything a store keeps, as it is on the medium: the HWID, the fingerprint of the device it was made on, and the
/// CALs with their keys and times. Unlike <see cref="LicenseStoreSnapshot"/> it is not filtered for this device (a
/// cloned image's HWID is here), because it is what backups, export and import move about.
/// </summary>
public sealed class LicenseStoreContents
{
    public static LicenseStoreContents Empty { get; } = new(null, null, []);

    public LicenseStoreContents(ClientHardwareId? hardwareId, DeviceFingerprint? fingerprint, IReadOnlyList<StoredLicense> licenses)
    {
        ArgumentNullException.ThrowIfNull(licenses);
        if (hardwareId is null && fingerprint is not null)
        {
            throw new ArgumentException("A device fingerprint belongs to a HWID.", nameof(fingerprint));
        }

        if (licenses.Count > LicenseStoreLimits.MaxLicenses)
        {
            throw new ArgumentOutOfRangeException(nameof(licenses), licenses.Count, $"A store keeps at most {LicenseStoreLimits.MaxLicenses} licenses.");
        }

        if (licenses.Select(l => l.Key).Distinct().Count() != licenses.Count)
        {
            throw new ArgumentException("A store keeps one license per key.", nameof(licenses));
        }

        HardwareId = hardwareId;
        Fingerprint = fingerprint;
        Licenses = licenses.ToArray();
    }

    /// <summary>The stored HWID, or null.</summary>
    public ClientHardwareId? HardwareId { get; }

    /// <summary>The device the HWID was made on (clone detection), or null when the store keeps none.</summary>
    public DeviceFingerprint? Fingerprint { get; }

    /// <summary>The stored CALs, in store order.</summary>
    public IReadOnlyList<StoredLicense> Licenses { get; }

    /// <summary>Nothing stored at all.</summary>
    public bool IsEmpty => HardwareId is null && Licenses.Count == 0;

    /// <summary>What a client on <paramref name="device"/> would load: nothing when the HWID was made elsewhere.</summary>
    public LicenseStoreSnapshot ToSnapshot(DeviceFingerprint? device) => ToStoreContent().ForDevice(device, out _).ToSnapshot();

    /// <summary>Whether the HWID was made on another device than <paramref name="device"/>.</summary>
    public bool IsCloneOn(DeviceFingerprint? device)
    {
        ToStoreContent().ForDevice(device, out bool clone);
        return clone;
    }

    /// <summary>The same HWID, fingerprint, and CALs (key, bytes and time stored) in the same order.</summary>
    public bool ContentEquals(LicenseStoreContents other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return HardwareId == other.HardwareId
            && Fingerprint == other.Fingerprint
            && Licenses.Count == other.Licenses.Count
            && Licenses.Zip(other.Licenses).All(p => p.First.ContentEquals(p.Second) && p.First.StoredAt == p.Second.StoredAt);
    }

    internal static LicenseStoreContents From(StoreContent content) => new(content.HardwareId, content.HardwareId is null ? null : content.Fingerprint, content.Licenses);

    internal StoreContent ToStoreContent() => new(HardwareId, Fingerprint, Licenses);
}
