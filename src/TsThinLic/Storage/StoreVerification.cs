using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>The result of <see cref="IVerifiableLicenseStore.Verify"/>: every finding and what the store would load.</summary>
public sealed class StoreVerification
{
    public StoreVerification(string store, IReadOnlyList<StoreFinding> findings, LicenseStoreSnapshot loaded)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(loaded);
        Store = store;
        Findings = findings.ToArray();
        Loaded = loaded;
    }

    /// <summary>Which store, in words ("flash 2 x 4096 bytes at 0x0", "file /var/lib/tsthinlic/licenses.store").</summary>
    public string Store { get; }

    public IReadOnlyList<StoreFinding> Findings { get; }

    /// <summary>What <see cref="ILicenseStore.Load"/> returns now.</summary>
    public LicenseStoreSnapshot Loaded { get; }

    /// <summary>Damaged images this store kept before overwriting them (newest first): where, when and why.</summary>
    public IReadOnlyList<QuarantinedImage> Quarantined { get; init; } = [];

    /// <summary>No record is corrupt, cloned or needs attention.</summary>
    public bool IsHealthy => Findings.All(f => f.Kind is StoreFindingKind.Valid or StoreFindingKind.Superseded or StoreFindingKind.Empty);
}
