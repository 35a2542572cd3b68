using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// The one place that says how an update changes a store's content, so that every store (memory, registry, flash)
/// computes the same next state and only differs in how it writes it.
/// </summary>
internal static class LicenseStoreRules
{
    /// <summary>The next snapshot, or an exception (and no change) when the update would break a cap.</summary>
    public static LicenseStoreSnapshot Apply(LicenseStoreSnapshot current, LicenseStoreUpdate update, int maxLicenses)
    {
        ClientHardwareId? hardwareId = update.HardwareId ?? current.HardwareId;
        var licenses = new List<StoredLicense>(current.Licenses.Count + 1);
        foreach (StoredLicense existing in current.Licenses)
        {
            bool replaced = update.License is not null && existing.Key == update.License.Key;
            bool superseded = update.Supersedes is { } key && existing.Key == key;
            if (!replaced && !superseded)
            {
                licenses.Add(existing);
            }
        }

        if (update.License is not null)
        {
            if (licenses.Count >= maxLicenses)
            {
                throw new LicenseStoreException($"The store already holds {licenses.Count} licenses, its maximum; wipe unused ones first.");
            }

            licenses.Add(update.License);
        }

        return new LicenseStoreSnapshot(hardwareId, licenses);
    }
}
