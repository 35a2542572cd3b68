using TsThinLic.Pdu;

namespace TsThinLic.Storage;

/// <summary>
/// A store in process memory: for tests, for the QA replay, and for a device that must not keep anything.
/// Thread-safe; every update is applied whole under one lock.
/// </summary>
public sealed class MemoryLicenseStore : ILicenseStore
{
    /// <summary>
    /// How many CALs a store keeps. A client needs one per license server product it meets; a hostile server that
    /// issues a new key on every connection must not fill the device.
    /// </summary>
    public const int MaxLicenses = 16;

    private readonly Lock _lock = new();
    private LicenseStoreSnapshot _current = LicenseStoreSnapshot.Empty;

    public LicenseStoreSnapshot Load()
    {
        lock (_lock)
        {
            return _current;
        }
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            _current = LicenseStoreRules.Apply(_current, update, MaxLicenses);
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            _current = new LicenseStoreSnapshot(licensesOnly ? _current.HardwareId : null, []);
        }
    }
}
