using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// Where the client keeps its HWID and CALs: memory, the MSLicensing registry key, or flash. Every implementation
/// runs the same contract test suite. Calls are synchronous: the media behind them (registry, flash) are, and the
/// driver calls them only once per exchange.
/// </summary>
public interface ILicenseStore
{
    /// <summary>
    /// Reads what the store holds; never writes the medium. A record that fails its checks is treated as absent (it is
    /// quarantined by the next write, not here).
    /// </summary>
    /// <exception cref="LicenseStoreException">The medium cannot be read (permission, I/O error, not a regular file).</exception>
    LicenseStoreSnapshot Load();

    /// <summary>
    /// Reads what the store holds and, when it holds no HWID for this device, makes one with <paramref name="create"/>
    /// and commits it, all in one critical section shared with other processes (the store's lock): concurrent first
    /// uses of an empty store agree on one HWID, the one the first of them committed; the others adopt it
    /// (DESIGN.md, Stores, "Failure semantics").
    /// </summary>
    /// <param name="create">Makes a new HWID (16 CSPRNG bytes behind the PlatformId); called at most once, under the lock.</param>
    /// <param name="created">Whether this call made and committed the HWID (false when one was stored or another process just made it).</param>
    /// <exception cref="LicenseStoreException">The HWID could not be committed, or the medium cannot be read.</exception>
    LicenseStoreSnapshot LoadOrCreateHardwareId(Func<ClientHardwareId> create, out bool created);

    /// <summary>
    /// Applies one update atomically: after a crash or an exception the store holds either everything it held before
    /// or everything it holds after, never a mix.
    /// </summary>
    /// <exception cref="LicenseStoreException">The update was refused (a cap reached) or the medium failed.</exception>
    void Save(LicenseStoreUpdate update);

    /// <summary>Removes every CAL and, unless <paramref name="licensesOnly"/>, the HWID (a new one is made on next use).</summary>
    void Wipe(bool licensesOnly);
}
