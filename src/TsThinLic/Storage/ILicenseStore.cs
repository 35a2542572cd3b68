using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// Where the client keeps its HWID and CALs: memory, the MSLicensing registry key, or flash. Every implementation
/// runs the same contract test suite. Calls are synchronous: the media behind them (registry, flash) are, and the
/// driver calls them only once per exchange.
/// </summary>
public interface ILicenseStore
{
    /// <summary>Reads what the store holds. A record that fails its checks is treated as absent.</summary>
    LicenseStoreSnapshot Load();

    /// <summary>
    /// Applies one update atomically: after a crash or an exception the store holds either everything it held before
    /// or everything it holds after, never a mix.
    /// </summary>
    /// <exception cref="LicenseStoreException">The update was refused (a cap reached) or the medium failed.</exception>
    void Save(LicenseStoreUpdate update);

    /// <summary>Removes every CAL and, unless <paramref name="licensesOnly"/>, the HWID (a new one is made on next use).</summary>
    void Wipe(bool licensesOnly);
}
