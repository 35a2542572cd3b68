using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// Everything a persistent store keeps: the HWID record (the HWID and the fingerprint of the device that made it) and
/// the CAL records. The on-media formats serialize exactly this; <see cref="LicenseStoreRules"/> computes the next one.
/// </summary>
internal sealed class StoreContent
{
    public static StoreContent Empty { get; } = new(null, null, []);

    public StoreContent(ClientHardwareId? hardwareId, DeviceFingerprint? fingerprint, IReadOnlyList<StoredLicense> licenses)
    {
        HardwareId = hardwareId;
        Fingerprint = hardwareId is null ? null : fingerprint;
        Licenses = licenses.ToArray();
    }

    public ClientHardwareId? HardwareId { get; }

    /// <summary>The fingerprint of the device that made <see cref="HardwareId"/>; null when unknown (a Windows-made key).</summary>
    public DeviceFingerprint? Fingerprint { get; }

    public IReadOnlyList<StoredLicense> Licenses { get; }

    public LicenseStoreSnapshot ToSnapshot() => new(HardwareId, Licenses);

    /// <summary>
    /// What this device may use: the content itself, or nothing when the HWID record was made on another device (a
    /// cloned image). The CALs go with it: each was issued to that HWID ([MS-RDPELE 2.2.2.9], the client certificate's
    /// serialNumber carries it), so a clone must license afresh with its own HWID.
    /// </summary>
    public StoreContent ForDevice(DeviceFingerprint? device, out bool cloneDetected)
    {
        cloneDetected = device is { } current && HardwareId is not null && Fingerprint is { } stored && stored != current;
        return cloneDetected ? Empty : this;
    }

    /// <summary>The next content after <paramref name="update"/>; the fingerprint of a new HWID is this device's.</summary>
    public StoreContent Apply(LicenseStoreUpdate update, DeviceFingerprint? device)
    {
        LicenseStoreSnapshot next = LicenseStoreRules.Apply(ToSnapshot(), update, LicenseStoreLimits.MaxLicenses);
        DeviceFingerprint? fingerprint = update.HardwareId is not null ? device : Fingerprint ?? device;
        return new StoreContent(next.HardwareId, fingerprint, next.Licenses);
    }

    public StoreContent WithoutLicenses() => new(HardwareId, Fingerprint, []);
}
