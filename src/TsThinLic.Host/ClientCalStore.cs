using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// A FreeRDP or rdesktop CAL directory seen as a store, so show, doctor, export and import work on it: its HWID is the
/// one the client derives from the host name its CAL belongs to (the client stores none), its CALs are the .cal files,
/// keyed by their own fields. Writing puts each CAL where the client looks for it: under the host name it was issued
/// to (the CAL's CN), one file per host, replaced atomically.
/// </summary>
internal sealed class ClientCalStore(ClientCalDirectory directory, DeviceFingerprint device) : ITransferableLicenseStore
{
    public ClientCalDirectory Directory => directory;

    public LicenseStoreSnapshot Load() => ReadContents().ToSnapshot(device);

    /// <summary>
    /// The client keeps no HWID: it derives one from the host name each time, so there is nothing to create or commit.
    /// With no CAL to name a host, this machine's host name is the one the client would use.
    /// </summary>
    public LicenseStoreSnapshot LoadOrCreateHardwareId(Func<ClientHardwareId> create, out bool created)
    {
        created = false;
        LicenseStoreSnapshot stored = Load();
        return stored.HardwareId is not null ? stored : new LicenseStoreSnapshot(directory.Recipe(Environment.MachineName), stored.Licenses);
    }

    public LicenseStoreContents ReadContents()
    {
        (IReadOnlyList<ClientCalFile> files, _) = Read();
        ClientCalFile[] usable = files.Where(f => f.Key is not null).OrderBy(f => f.HostName ?? "\uffff", StringComparer.Ordinal).ThenBy(f => f.FileName, StringComparer.Ordinal).ToArray();
        string? host = usable.FirstOrDefault(f => f.HostName is not null)?.HostName;
        var licenses = usable.Select(f => new StoredLicense(f.Key!.Value, f.Bytes, f.StoredAt)).ToArray();

        // The client's HWID is its recipe over the host name; the directory is this machine's, so it is bound here.
        return host is null && licenses.Length == 0
            ? LicenseStoreContents.Empty
            : new LicenseStoreContents(host is null ? null : directory.Recipe(host), host is null ? null : device, licenses);
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.License is { } license)
        {
            WriteOne(license);
        }
    }

    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (StoredLicense license in contents.Licenses)
        {
            written.Add(Path.GetFileName(WriteOne(license)));
        }

        // Then the CALs the new contents do not hold: the old ones stay until the new are in place.
        foreach (ClientCalFile file in Read().Files.Where(f => !written.Contains(f.FileName)))
        {
            Delete(file.Path);
        }
    }

    public void Wipe(bool licensesOnly)
    {
        foreach (ClientCalFile file in Read().Files)
        {
            Delete(file.Path);
        }
    }

    /// <summary>The CAL goes under the host name it was issued to (its CN): the file the client opens for that name.</summary>
    private string WriteOne(StoredLicense license)
    {
        if (!Cal.ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out Cal.ClientAccessLicense? cal, out _) || cal.IssuedToMachine is not { Length: > 0 } host)
        {
            throw new LicenseStoreException($"the CAL {license.Key} does not name the machine it was issued to: {directory.Kind} files each belong to a client host name");
        }

        try
        {
            return directory.Write(host, license.LicenseInfo.Span, license.StoredAt);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LicenseStoreException($"cannot write the CAL of {host} in {directory.LicensesDirectory}: {exception.Message}", exception);
        }
    }

    private (IReadOnlyList<ClientCalFile> Files, IReadOnlyList<string> Leftovers) Read()
    {
        try
        {
            return directory.Read();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LicenseStoreException($"cannot read {directory.LicensesDirectory}: {exception.Message}", exception);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LicenseStoreException($"cannot remove {path}: {exception.Message}", exception);
        }
    }
}
