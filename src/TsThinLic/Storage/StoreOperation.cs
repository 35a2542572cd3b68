using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Files;

namespace TsThinLic.Storage;

/// <summary>What the file, flash and .reg stores do alike around an operation: faults in words, and a first use.</summary>
internal static class StoreOperation
{
    /// <summary>
    /// Runs a store operation; a file-system fault becomes a <see cref="LicenseStoreException"/> naming the step, the
    /// path and the system's words (the contract of <see cref="ILicenseStore"/>).
    /// </summary>
    public static T Guard<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FileFaultException fault)
        {
            throw new LicenseStoreException($"the store's {what} failed: {fault.Message}", fault);
        }
    }

    /// <summary>
    /// DESIGN.md, Stores: load, generate and commit a first use's HWID in one critical section. A stored HWID needs no
    /// lock (a reader sees one committed state or another); without one the store is read again under the lock, since
    /// another process may have committed one meanwhile (it is adopted, not replaced), and only then is one made.
    /// </summary>
    /// <param name="read">Reads the store's state; its argument says whether to log what it finds (the first read only).</param>
    /// <param name="content">What this device may use of a state (a clone's HWID is not its own).</param>
    /// <param name="exclusive">Takes the store's lock between processes (null for none).</param>
    /// <param name="commit">Writes the next content over a state (keeping damaged records first).</param>
    /// <param name="create">Makes the HWID, at most once.</param>
    /// <param name="device">This device's fingerprint, bound to the new HWID.</param>
    /// <param name="created">Whether this call made and committed the HWID.</param>
    public static LicenseStoreSnapshot LoadOrCreateHardwareId<TState>(
        Func<bool, TState> read,
        Func<TState, StoreContent> content,
        Func<IDisposable?> exclusive,
        Action<TState, StoreContent> commit,
        Func<ClientHardwareId> create,
        DeviceFingerprint? device,
        out bool created)
    {
        created = false;
        StoreContent current = content(read(true));
        if (current.HardwareId is not null)
        {
            return current.ToSnapshot();
        }

        using IDisposable? held = exclusive();
        TState state = read(false);
        current = content(state);
        if (current.HardwareId is not null)
        {
            return current.ToSnapshot();
        }

        StoreContent next = current.Apply(new LicenseStoreUpdate(create(), null, null), device);
        commit(state, next);
        created = true;
        return next.ToSnapshot();
    }
}
