using Microsoft.Extensions.Logging;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// Which store the host uses: from <c>--store</c> (memory, registry, reg:FILE.reg, flash:PATH, file:PATH), else from a
/// device profile's <c>store</c> (<c>--profile hardware/….json</c>), else the default: a file store under
/// $XDG_STATE_HOME/tsthinlic (or ~/.local/state/tsthinlic, or %LOCALAPPDATA%\tsthinlic on Windows). A read-only
/// opening (show, doctor, store verify, export, hwid) never creates, extends or writes the medium; a writing one gives
/// the store its quarantine beside the medium and its lock between processes.
/// </summary>
internal sealed class StoreSelection : IDisposable
{
    /// <summary>A <c>flash:PATH</c> partition image without a profile (<see cref="StoreTarget.DefaultFlashGeometry"/>).</summary>
    public static readonly FlashGeometry DefaultFlashGeometry = StoreTarget.DefaultFlashGeometry;

    public const long DefaultFlashSize = StoreTarget.DefaultFlashSize;

    private readonly List<IDisposable> _owned = [];
    private Func<byte[]?> _readImage;
    private Action<byte[]> _restoreImage;

    private StoreSelection(ITransferableLicenseStore store, string kind, string location, DeviceFingerprint device)
    {
        Store = store;
        Kind = kind;
        Location = location;
        Device = device;
        _readImage = () => LicenseStoreJson.Write(store.ReadContents());
        _restoreImage = image =>
        {
            if (!LicenseStoreJson.TryRead(image, out LicenseStoreContents contents, out string error))
            {
                throw new LicenseStoreException(error);
            }

            store.ReplaceContents(contents);
        };
    }

    public ITransferableLicenseStore Store { get; }

    /// <summary>This device's fingerprint (what a HWID made here is bound to).</summary>
    public DeviceFingerprint Device { get; }

    /// <summary>The form of this store's raw image (what a wipe backs up and an import puts back byte for byte).</summary>
    public LicenseStoreImageFormat ImageFormat { get; private set; } = LicenseStoreImageFormat.Json;

    /// <summary>The flash geometry an image file is read with (the profile's, else the default).</summary>
    public FlashGeometry Geometry { get; private set; } = DefaultFlashGeometry;

    /// <summary>Where wipe backups go when no --backup is given: beside the store, else under the state directory.</summary>
    public string BackupDirectory { get; private set; } = Path.Combine(Path.GetDirectoryName(DefaultFilePath())!, "backups");

    /// <summary>The store's raw image: the file, both flash slots, the .reg of MSLicensing, or JSON for memory; null when there is nothing.</summary>
    public byte[]? ReadImage() => _readImage();

    /// <summary>Puts a raw image of this store's own <see cref="ImageFormat"/> back byte for byte.</summary>
    /// <exception cref="LicenseStoreException">The image is not valid for this store.</exception>
    public void RestoreImage(byte[] image) => _restoreImage(image);

    /// <summary>memory, registry, reg, flash, file, freerdp or rdesktop.</summary>
    public string Kind { get; }

    public string Location { get; }

    /// <summary>PlatformId for a new HWID (from the profile, else the default).</summary>
    public uint PlatformId { get; private set; } = PipeLicensingDriverOptions.DefaultPlatformId;

    public string? ProfileId { get; private set; }

    /// <summary>Where the store keeps damaged images before overwriting them (null for memory).</summary>
    public IStoreQuarantine? Quarantine { get; private set; }

    /// <summary>Whether the store was opened for reading only: nothing on the medium can change.</summary>
    public bool ReadOnly { get; private set; }

    /// <summary>The default file store path.</summary>
    public static string DefaultFilePath()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tsthinlic", "licenses.store");
        }

        // XDG Base Directory: state that should persist between restarts but is not worth backing up.
        string? state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state) || !Path.IsPathRooted(state))
        {
            state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }

        return Path.Combine(state, "tsthinlic", "licenses.store");
    }

    /// <summary>Opens the store named by <paramref name="store"/> or <paramref name="profilePath"/> for writing; false with a message when it cannot be.</summary>
    public static bool TryOpen(string? store, string? profilePath, out StoreSelection? selection, out string error, ILogger? logger = null)
    {
        selection = null;
        return TryResolve(store, profilePath, out StoreTarget? target, out error) && TryOpen(target!, readOnly: false, out selection, out error, logger);
    }

    /// <summary>
    /// Which store <paramref name="store"/> or <paramref name="profilePath"/> names and where its medium is, without
    /// touching the medium (the core's parser, <see cref="StoreTarget.TryResolve"/>); neither names the default file
    /// store. False with a message when the arguments name no usable store.
    /// </summary>
    public static bool TryResolve(string? store, string? profilePath, out StoreTarget? target, out string error)
    {
        if (store is not null && TryResolveClientStore(store, out target, out error))
        {
            return target is not null;
        }

        if (!StoreTarget.TryResolve(store, profilePath, out target, out error))
        {
            if (error.StartsWith("unknown store", StringComparison.Ordinal))
            {
                error = $"unknown store '{store}': use memory, registry, reg:FILE.reg, flash:PATH, file:PATH, freerdp[:DIR] or rdesktop[:DIR]";
            }

            return false;
        }

        target ??= new StoreTarget("file", Path.GetFullPath(DefaultFilePath()));
        return true;
    }

    /// <summary>
    /// Opens a resolved store. <paramref name="readOnly"/> opens it for reading only and never creates, extends or
    /// changes anything (show, doctor, store verify, export, hwid): a flash image is read into memory once (a missing
    /// or short one is reported as such, not created or padded).
    /// </summary>
    public static bool TryOpen(StoreTarget target, bool readOnly, out StoreSelection? selection, out string error, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        selection = null;
        error = string.Empty;
        DeviceFingerprint fingerprint = DeviceIdentity.Fingerprint();
        try
        {
            selection = target.Kind switch
            {
                "memory" => new StoreSelection(new MemoryLicenseStore(), "memory", "process memory", fingerprint),
                "registry" when OperatingSystem.IsWindows() => WindowsRegistryStore(fingerprint, readOnly, logger),
                "reg" => RegFileStore(target.Path, fingerprint, logger),
                "flash" when readOnly => FlashSnapshot(target, fingerprint, logger),
                "flash" => Flash(target.Path, target.Geometry, target.Offset, target.Size, fingerprint, logger),
                "file" => FileStore(target.Path, fingerprint, logger),
                "freerdp" or "rdesktop" => ClientStore(target, fingerprint),
                _ => throw new ArgumentException($"the {target.Kind} store cannot be opened here"),
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or LicenseStoreException)
        {
            error = StoreErrorText.CannotOpen(target.Kind, target.Path, OsErrorText.Explain(exception), exception);
            return false;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            error = $"cannot open the store {target.Kind}:{target.Path}: {exception.Message}; the store forms are memory, file:PATH, flash:PATH, reg:FILE, registry (Windows), freerdp[:DIR] and rdesktop[:DIR] (tsthinlic show --help)";
            return false;
        }

        selection.PlatformId = target.PlatformId ?? PipeLicensingDriverOptions.DefaultPlatformId;
        selection.ProfileId = target.ProfileId;
        selection.ReadOnly = readOnly;
        return true;
    }

    // FreeRDP's and rdesktop's own CAL directories (one .cal per client host name), under this user's home by default:
    // a kind of the field tool only, so the core's parser (shared with the C library) does not know them.
    private static bool TryResolveClientStore(string store, out StoreTarget? target, out string error)
    {
        target = null;
        error = string.Empty;
        int colon = store.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? store : store[..colon]).ToLowerInvariant();
        if (kind is not ("freerdp" or "rdesktop"))
        {
            return false;
        }

        string path = colon < 0 ? string.Empty : store[(colon + 1)..];
        try
        {
            target = new StoreTarget(kind, Path.GetFullPath(path.Length > 0 ? path : ClientCalDirectory.DefaultDirectory(kind, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))));
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"the store path in '{store}' is not usable: {exception.Message}";
        }

        return true;
    }

    private static StoreSelection FileStore(string path, DeviceFingerprint fingerprint, ILogger? logger)
    {
        var store = new FileLicenseStore(path, fingerprint, logger);
        return new StoreSelection(store, "file", store.Path, fingerprint)
        {
            ImageFormat = LicenseStoreImageFormat.FileStore,
            BackupDirectory = Path.Combine(Path.GetDirectoryName(store.Path)!, "backups"),
            Quarantine = store.Quarantine,
            _readImage = store.ReadImage,
            _restoreImage = image => store.RestoreImage(image),
        };
    }

    private static StoreSelection ClientStore(StoreTarget target, DeviceFingerprint fingerprint)
    {
        var store = new ClientCalStore(new ClientCalDirectory(target.Kind, target.Path), fingerprint);
        return new StoreSelection(store, target.Kind, target.Path, fingerprint)
        {
            // The client keeps no image of its own beyond the files: a backup is the JSON export of what they hold.
            BackupDirectory = Path.Combine(target.Path, "tsthinlic-backups"),
            _readImage = () => store.ReadContents().IsEmpty ? null : LicenseStoreJson.Write(store.ReadContents()),
        };
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static StoreSelection WindowsRegistryStore(DeviceFingerprint fingerprint, bool readOnly, ILogger? logger)
    {
        var registry = new WindowsRegistry();
        // MSLicensing is machine-wide: writers in every session exclude each other with one named mutex.
        var quarantine = new StoreQuarantine(Path.Combine(Path.GetDirectoryName(DefaultFilePath())!, "MSLicensing.quarantine"));
        var store = new RegistryLicenseStore(registry, fingerprint, logger, readOnly ? null : () => RegistryStoreLock.Acquire(StoreFileLock.DefaultTimeout), quarantine);
        return new StoreSelection(store, "registry", @"HKLM\" + RegistryLicenseStore.RootKey, fingerprint)
        {
            ImageFormat = LicenseStoreImageFormat.Reg,
            Quarantine = quarantine,
            // What "reg export HKLM\SOFTWARE\Microsoft\MSLicensing" writes; "reg import" takes it back as well.
            _readImage = () => registry.KeyExists(RegistryLicenseStore.RootKey) ? RegFile.Encode(RegFile.Write(RegistryTree.Copy(registry, RegistryLicenseStore.RootKey), RegistryLicenseStore.RootKey)) : null,
            _restoreImage = image => RegistryTree.Replace(registry, ReadRegImage(image), RegistryLicenseStore.RootKey),
        };
    }

    private static MemoryRegistry ReadRegImage(byte[] image)
    {
        if (!LicenseStoreImage.TryReadReg(image, out _, out string error) || !RegFile.TryRead(RegFile.Decode(image), out MemoryRegistry hive, out error))
        {
            throw new LicenseStoreException($"Not a .reg of MSLicensing: {error}");
        }

        return hive;
    }

    private static StoreSelection Flash(string path, FlashGeometry geometry, long offset, long size, DeviceFingerprint fingerprint, ILogger? logger)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        var store = FlashLicenseStore.OpenImageFile(full, geometry, offset, size, fingerprint, logger, out FileFlashDevice device);
        IStoreQuarantine? quarantine = store.Quarantine;
        var selection = new StoreSelection(store, "flash", $"{full} (0x{offset:x}+{size}, {geometry})", fingerprint)
        {
            ImageFormat = LicenseStoreImageFormat.FlashPartition,
            Geometry = geometry,
            BackupDirectory = Path.Combine(directory ?? ".", "backups"),
            Quarantine = quarantine,
            _readImage = store.ReadImage,
            _restoreImage = image => store.RestoreImage(image),
        };
        selection._owned.Add(device);
        return selection;
    }

    private static StoreSelection FlashSnapshot(StoreTarget target, DeviceFingerprint fingerprint, ILogger? logger)
    {
        var device = FlashImageSnapshot.Read(target.Path, target.Geometry, target.Offset, target.Size);
        // The quarantine is only listed here: a read-only store never writes, so it never keeps a copy.
        var quarantine = new StoreQuarantine(target.Path + ".quarantine");
        var store = new FlashLicenseStore(device, target.Offset, target.Size, fingerprint, logger, quarantine: quarantine);
        return new StoreSelection(store, "flash", $"{target.Path} (0x{target.Offset:x}+{target.Size}, {target.Geometry}, read only)", fingerprint)
        {
            ImageFormat = LicenseStoreImageFormat.FlashPartition,
            Geometry = target.Geometry,
            BackupDirectory = Path.Combine(Path.GetDirectoryName(target.Path) ?? ".", "backups"),
            Quarantine = quarantine,
            _readImage = store.ReadImage,
            _restoreImage = _ => throw new LicenseStoreException("the store was opened read only"),
        };
    }

    private static StoreSelection RegFileStore(string path, DeviceFingerprint fingerprint, ILogger? logger)
    {
        var store = new RegFileLicenseStore(path, fingerprint, logger);
        return new StoreSelection(store, "reg", store.Path, fingerprint)
        {
            ImageFormat = LicenseStoreImageFormat.Reg,
            BackupDirectory = Path.Combine(Path.GetDirectoryName(store.Path)!, "backups"),
            Quarantine = store.Quarantine,
            _readImage = store.ReadImage,
            _restoreImage = image => store.RestoreImage(image),
        };
    }

    public void Dispose() => _owned.ForEach(o => o.Dispose());
}
