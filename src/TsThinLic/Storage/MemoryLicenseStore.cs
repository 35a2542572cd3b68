using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// A store in process memory: for tests, for the QA replay, and for a device that must not keep anything.
/// Thread-safe; every update is applied whole under one lock.
/// </summary>
public sealed class MemoryLicenseStore : ITransferableLicenseStore
{
    /// <summary>
    /// How many CALs a store keeps. A client needs one per license server product it meets; a hostile server that
    /// issues a new key on every connection must not fill the device.
    /// </summary>
    public const int MaxLicenses = 16;

    private readonly Lock _lock = new();
    private LicenseStoreSnapshot _current = LicenseStoreSnapshot.Empty;

    // Process memory is never cloned onto another device: no fingerprint is made, but an imported one is kept.
    private DeviceFingerprint? _fingerprint;

    public LicenseStoreSnapshot Load()
    {
        lock (_lock)
        {
            return _current;
        }
    }

    public LicenseStoreSnapshot LoadOrCreateHardwareId(Func<ClientHardwareId> create, out bool created)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_lock)
        {
            created = _current.HardwareId is null;
            if (created)
            {
                _current = new LicenseStoreSnapshot(create(), _current.Licenses);
                _fingerprint = null;
            }

            return _current;
        }
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            _current = LicenseStoreRules.Apply(_current, update, MaxLicenses);
            _fingerprint = update.HardwareId is not null ? null : _fingerprint;
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            _current = new LicenseStoreSnapshot(licensesOnly ? _current.HardwareId : null, []);
            _fingerprint = _current.HardwareId is null ? null : _fingerprint;
        }
    }

    public LicenseStoreContents ReadContents()
    {
        lock (_lock)
        {
            return new LicenseStoreContents(_current.HardwareId, _current.HardwareId is null ? null : _fingerprint, _current.Licenses);
        }
    }

    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        lock (_lock)
        {
            _current = new LicenseStoreSnapshot(contents.HardwareId, contents.Licenses);
            _fingerprint = contents.Fingerprint;
        }
    }
}
