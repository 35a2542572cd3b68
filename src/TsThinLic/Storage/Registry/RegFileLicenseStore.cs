using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Files;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// The MSLicensing store kept in a .reg file (<c>--store reg:FILE.reg</c>): a terminal's key brought to another
/// machine, or a test bed. Every operation reads the file afresh (regular files only, at most
/// <see cref="MaxFileLength"/> bytes), runs the <see cref="RegistryLicenseStore"/> over it in memory, and a change is
/// written back the way the file store commits (temporary file, fsync, rename, directory fsync); writers in different
/// processes exclude each other with a lock on <c>FILE.reg.lock</c>, held from the read to the write, so two processes
/// never both make a HWID. A file that is not a .reg at all is copied to the quarantine before it is replaced.
/// </summary>
public sealed class RegFileLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    /// <summary>The largest .reg file read: <see cref="RegFile.MaxTextLength"/> characters of UTF-16 and a BOM.</summary>
    public const int MaxFileLength = (2 * RegFile.MaxTextLength) + 2;

    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly IStoreFileSystem _files;
    private readonly Lock _lock = new();

    /// <param name="path">The .reg file (made at the first write).</param>
    /// <param name="deviceFingerprint">This device's fingerprint, for clone detection; null to skip it.</param>
    /// <param name="logger">Where damaged records and quarantines are reported.</param>
    /// <param name="quarantine">Where a damaged file or key is copied before it is replaced; by default <c>FILE.reg.quarantine/</c>.</param>
    public RegFileLicenseStore(string path, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, IStoreQuarantine? quarantine = null)
        : this(path, PosixStoreFileSystem.Instance, deviceFingerprint, logger, quarantine)
    {
    }

    internal RegFileLicenseStore(string path, IStoreFileSystem files, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, IStoreQuarantine? quarantine = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(files);
        Path = System.IO.Path.GetFullPath(path);
        _files = files;
        _deviceFingerprint = deviceFingerprint;
        _logger = logger ?? NullLogger.Instance;
        Quarantine = quarantine ?? new StoreQuarantine(Path + ".quarantine", files);
    }

    /// <summary>The .reg file.</summary>
    public string Path { get; }

    public string LockPath => Path + ".lock";

    /// <summary>Where a damaged file or key is copied before it is replaced.</summary>
    public IStoreQuarantine Quarantine { get; }

    private string Name => $"reg {Path}";

    public LicenseStoreSnapshot Load() => Look(store => store.Load());

    public LicenseStoreContents ReadContents() => Look(store => store.ReadContents());

    public StoreVerification Verify()
    {
        lock (_lock)
        {
            return Guard("read", () =>
            {
                if (!TryReadHive(out MemoryRegistry? hive, out _, out string? damage))
                {
                    return new StoreVerification(Name, [new StoreFinding(Path, StoreFindingKind.Corrupt, $"{damage}; it is copied to {Quarantine.Location} before the next write replaces it")], LicenseStoreSnapshot.Empty) { Quarantined = Quarantine.List() };
                }

                // A .reg carries no ACL and no write-filter state: only the records are judged.
                StoreVerification verification = Over(hive).Verify(environment: false);
                return new StoreVerification(Name, verification.Findings, verification.Loaded) { Quarantined = Quarantine.List() };
            });
        }
    }

    public LicenseStoreSnapshot LoadOrCreateHardwareId(Func<ClientHardwareId> create, out bool created)
    {
        ArgumentNullException.ThrowIfNull(create);
        bool made = false;
        LicenseStoreSnapshot snapshot = Change(store => store.LoadOrCreateHardwareId(create, out made));
        created = made;
        return snapshot;
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        Change(store =>
        {
            store.Save(update);
            return 0;
        });
    }

    public void Wipe(bool licensesOnly) => Change(store =>
    {
        store.Wipe(licensesOnly);
        return 0;
    });

    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Change(store =>
        {
            store.ReplaceContents(contents);
            return 0;
        });
    }

    /// <summary>The MSLicensing key as <c>reg export</c> writes it (what a backup keeps); null when the file holds none.</summary>
    public byte[]? ReadImage()
    {
        lock (_lock)
        {
            return Guard("read", () => TryReadHive(out MemoryRegistry? hive, out _, out _) && hive.KeyExists(RegistryLicenseStore.RootKey)
                ? RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey))
                : null);
        }
    }

    /// <summary>Puts a .reg of MSLicensing (from <see cref="ReadImage"/> or <c>reg export</c>) back, key for key.</summary>
    /// <exception cref="LicenseStoreException">The image is not a .reg of MSLicensing, or the file could not be written.</exception>
    public void RestoreImage(ReadOnlySpan<byte> image)
    {
        if (!LicenseStoreImage.TryReadReg(image, out _, out string error) || !RegFile.TryRead(RegFile.Decode(image), out MemoryRegistry imported, out error))
        {
            throw new LicenseStoreException($"Not a .reg of MSLicensing: {error}");
        }

        Change(store =>
        {
            RegistryTree.Replace(store.Registry, imported, RegistryLicenseStore.RootKey);
            return 0;
        });
    }

    private T Look<T>(Func<RegistryLicenseStore, T> read)
    {
        lock (_lock)
        {
            return Guard("read", () =>
            {
                if (!TryReadHive(out MemoryRegistry? hive, out _, out string? damage))
                {
                    Log.StoreRecordCorrupt(_logger, Path, damage);
                    hive = new MemoryRegistry();
                }

                return read(Over(hive));
            });
        }
    }

    /// <summary>Read, change and write back under the lock; the file is written only when the key changed.</summary>
    private T Change<T>(Func<RegistryLicenseStore, T> change)
    {
        lock (_lock)
        {
            return Guard("write", () =>
            {
                _files.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                using IDisposable exclusive = _files.Lock(LockPath);
                if (!TryReadHive(out MemoryRegistry? hive, out byte[]? bytes, out string? damage))
                {
                    // DESIGN.md, failure semantics: the damaged file is kept before the first write replaces it.
                    QuarantinedImage kept = Quarantine.Keep(bytes, ".reg", Name, $"{damage}; the device licenses afresh");
                    Log.StoreRecordQuarantined(_logger, Path, kept.Path, damage);
                    hive = new MemoryRegistry();
                }

                string before = RegFile.Write(hive, RegistryLicenseStore.RootKey);
                T result = change(new RegistryLicenseStore(hive, _deviceFingerprint, _logger, quarantine: Quarantine));
                string after = RegFile.Write(hive, RegistryLicenseStore.RootKey);
                if (after != before)
                {
                    DurableFile.Write(Path, RegFile.Encode(after), _files);
                }

                return result;
            });
        }
    }

    private RegistryLicenseStore Over(MemoryRegistry hive) => new(hive, _deviceFingerprint, _logger);

    /// <summary>The file's hive (empty when there is no file); false with the reason when it is not a .reg.</summary>
    private bool TryReadHive([NotNullWhen(true)] out MemoryRegistry? hive, [NotNullWhen(false)] out byte[]? bytes, [NotNullWhen(false)] out string? damage)
    {
        hive = null;
        damage = null;
        bytes = _files.ReadAll(Path, MaxFileLength + 1);
        if (bytes is null)
        {
            hive = new MemoryRegistry();
            return true;
        }

        if (bytes.Length > MaxFileLength)
        {
            throw new FileFaultException("read", Path, $"larger than the {MaxFileLength}-byte limit of a .reg file (reading stopped there)");
        }

        if (!RegFile.TryRead(RegFile.Decode(bytes), out MemoryRegistry parsed, out string error))
        {
            damage = $"not a .reg file: {error}";
            return false;
        }

        hive = parsed;
        bytes = null;
        return true;
    }

    private static T Guard<T>(string what, Func<T> action) => StoreOperation.Guard(what, action);
}
