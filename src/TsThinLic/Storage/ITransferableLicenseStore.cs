namespace TsThinLic.Storage;

/// <summary>
/// A store whose whole contents can be read and replaced: what backups, <c>export</c>, <c>import</c> and
/// <c>hwid --regenerate</c> use. Reading never changes the medium.
/// </summary>
public interface ITransferableLicenseStore : ILicenseStore
{
    /// <summary>Everything on the medium, as the store would load it before the clone check (corrupt records are absent).</summary>
    LicenseStoreContents ReadContents();

    /// <summary>
    /// Replaces everything the store holds with <paramref name="contents"/> (HWID, fingerprint and CALs kept exactly),
    /// with the same atomicity as <see cref="ILicenseStore.Save"/>: a cut leaves the old or the new contents.
    /// </summary>
    /// <exception cref="LicenseStoreException">The contents do not fit or the medium failed.</exception>
    void ReplaceContents(LicenseStoreContents contents);
}
