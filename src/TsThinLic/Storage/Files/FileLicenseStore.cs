using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Records;

namespace TsThinLic.Storage.Files;

/// <summary>
/// The store as a file on FTL media (eMMC, SSD, SD: the device's controller does wear levelling and erase), layout in
/// hardware/flash-layout-file.md: the same <see cref="StoreEnvelope"/> as a flash slot. An update writes the whole new
/// snapshot to <c>PATH.tmp</c> and fsyncs it, renames the current file to <c>PATH.prev</c> (the previous generation,
/// kept), renames the temp file to <c>PATH</c>, and fsyncs the directory. A reader takes the newest valid of
/// <c>PATH</c> and <c>PATH.prev</c>, so a power cut at any step leaves the old snapshot or the new one. Writers in
/// different processes exclude each other with a lock on <c>PATH.lock</c>.
/// </summary>
public sealed class FileLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    private readonly IStoreFileSystem _files;
    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public FileLicenseStore(string path, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null)
        : this(path, PosixStoreFileSystem.Instance, deviceFingerprint, logger)
    {
    }

    internal FileLicenseStore(string path, IStoreFileSystem files, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(files);
        Path = System.IO.Path.GetFullPath(path);
        _files = files;
        _deviceFingerprint = deviceFingerprint;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The current generation's file.</summary>
    public string Path { get; }

    public string PreviousPath => Path + ".prev";

    public string TemporaryPath => Path + ".tmp";

    public string LockPath => Path + ".lock";

    private string Directory => System.IO.Path.GetDirectoryName(Path)!;

    private string Name => $"file {Path}";

    public LicenseStoreSnapshot Load()
    {
        lock (_lock)
        {
            return ReadCurrent(log: true).Content.ToSnapshot();
        }
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            _files.CreateDirectory(Directory);
            using IDisposable exclusive = _files.Lock(LockPath);
            CurrentState current = ReadCurrent(log: true);
            Commit(current, current.Content.Apply(update, _deviceFingerprint));
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            if (!_files.DirectoryExists(Directory))
            {
                return;
            }

            using IDisposable exclusive = _files.Lock(LockPath);
            CurrentState current = ReadCurrent(log: true);
            if (licensesOnly && current.Content.HardwareId is not null)
            {
                Commit(current, current.Content.WithoutLicenses());
                // The previous generation still holds the CALs.
                _files.Delete(PreviousPath);
            }
            else
            {
                // Older generations first: a cut part-way leaves the newest (pre-wipe) state, never an older one.
                _files.Delete(TemporaryPath);
                _files.Delete(PreviousPath);
                _files.Delete(Path);
            }

            _files.SyncDirectory(Directory);
            Log.StoreWiped(_logger, Name, licensesOnly ? "licenses" : "everything");
        }
    }

    public LicenseStoreContents ReadContents()
    {
        lock (_lock)
        {
            return LicenseStoreContents.From(ReadCurrent(log: false).Raw);
        }
    }

    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        lock (_lock)
        {
            _files.CreateDirectory(Directory);
            using IDisposable exclusive = _files.Lock(LockPath);
            Commit(ReadCurrent(log: true), contents.ToStoreContent());
        }
    }

    /// <summary>
    /// The store file a backup keeps: the generation in use, byte for byte, or the main file when no generation is
    /// valid (a corrupt store is still worth keeping for the record); null when there is no file at all.
    /// </summary>
    public byte[]? ReadImage()
    {
        lock (_lock)
        {
            CurrentState current = ReadCurrent(log: false);
            return _files.ReadAll(current.From?.File ?? Path) ?? _files.ReadAll(PreviousPath);
        }
    }

    /// <summary>
    /// Puts a store file image (from <see cref="ReadImage"/>) back byte for byte. The image is checked first; it is
    /// written beside the store, synced, and renamed over it, then the previous generation is removed so that the
    /// restored sequence number counts: a cut before that removal leaves the pre-restore state, after it the restored one.
    /// </summary>
    /// <exception cref="LicenseStoreException">The image is not a valid store file.</exception>
    public void RestoreImage(ReadOnlySpan<byte> image)
    {
        if (!TryReadImage(image, out _, out string reason))
        {
            throw new LicenseStoreException($"Not a store file image: {reason}");
        }

        byte[] bytes = image.ToArray();
        lock (_lock)
        {
            _files.CreateDirectory(Directory);
            using IDisposable exclusive = _files.Lock(LockPath);
            _files.WriteDurably(TemporaryPath, bytes);
            if (_files.ReadAll(Path) is not null)
            {
                _files.Rename(Path, PreviousPath);
            }

            _files.Rename(TemporaryPath, Path);
            _files.SyncDirectory(Directory);
            _files.Delete(PreviousPath);
            _files.SyncDirectory(Directory);
            Log.StoreCommitted(_logger, Name, 0, bytes.Length, Path + " (restored image)");
        }
    }

    /// <summary>Reads a store file image (one generation) without a store; false with the field and offset that failed.</summary>
    public static bool TryReadImage(ReadOnlySpan<byte> image, out LicenseStoreContents contents, out string reason)
    {
        contents = LicenseStoreContents.Empty;
        EnvelopeState state = StoreEnvelope.TryRead(image, 1, out _, out byte[] payload, out reason);
        if (state != EnvelopeState.Valid)
        {
            reason = state == EnvelopeState.Blank ? "envelope: blank" : reason;
            return false;
        }

        if (image.Length != StoreEnvelope.TotalLength(payload.Length, 1))
        {
            reason = $"envelope: {image.Length - StoreEnvelope.TotalLength(payload.Length, 1)} bytes after the commit marker";
            return false;
        }

        if (!StorePayload.TryDecode(payload, out StoreContent content, out reason))
        {
            return false;
        }

        contents = LicenseStoreContents.From(content);
        return true;
    }

    public StoreVerification Verify()
    {
        lock (_lock)
        {
            Generation[] generations = [Read(Path), Read(PreviousPath)];
            CurrentState current = ReadCurrent(generations, log: false);
            var findings = new List<StoreFinding>();
            foreach (Generation generation in generations)
            {
                findings.Add(generation.State switch
                {
                    EnvelopeState.Blank => new StoreFinding(generation.File, StoreFindingKind.Empty, "no file"),
                    EnvelopeState.Invalid => new StoreFinding(generation.File, StoreFindingKind.Corrupt, generation.Reason),
                    _ when ReferenceEquals(current.From, generation) => new StoreFinding(generation.File, StoreFindingKind.Valid, $"sequence {generation.Sequence}, {generation.Content!.Licenses.Count} license(s), in use"),
                    _ => new StoreFinding(generation.File, StoreFindingKind.Superseded, $"sequence {generation.Sequence}, the previous generation"),
                });
            }

            if (current.CloneDetected)
            {
                findings.Add(new StoreFinding("HWID record", StoreFindingKind.Clone, "the HWID was made on another device; a new one is made on next use"));
            }

            return new StoreVerification(Name, findings, current.Content.ToSnapshot());
        }
    }

    private void Commit(CurrentState current, StoreContent next)
    {
        byte[] payload = StorePayload.Encode(next);
        if (payload.Length > StoreEnvelope.MaxPayloadLength)
        {
            throw new LicenseStoreException($"The new snapshot needs {payload.Length} bytes, over the store's {StoreEnvelope.MaxPayloadLength}.");
        }

        uint sequence = unchecked(current.Sequence + 1);
        _files.WriteDurably(TemporaryPath, StoreEnvelope.Build(sequence, payload));
        if (current.From is { } from && from.File == Path)
        {
            _files.Rename(Path, PreviousPath);
        }
        else if (current.From is not null)
        {
            // The newest is the previous generation (the current file is torn or missing): keep it where it is and
            // let the new file take PATH; the torn one is simply replaced.
        }

        _files.Rename(TemporaryPath, Path);
        _files.SyncDirectory(Directory);
        Log.StoreCommitted(_logger, Name, sequence, payload.Length, Path);
    }

    private CurrentState ReadCurrent(bool log) => ReadCurrent([Read(Path), Read(PreviousPath)], log);

    private CurrentState ReadCurrent(Generation[] generations, bool log)
    {
        Generation? newest = null;
        foreach (Generation generation in generations)
        {
            if (generation.State == EnvelopeState.Invalid && log)
            {
                Log.StoreRecordCorrupt(_logger, generation.File, generation.Reason);
            }

            if (generation.State == EnvelopeState.Valid && (newest is null || StoreEnvelope.IsNewer(generation.Sequence, newest.Sequence)))
            {
                newest = generation;
            }
        }

        if (newest is null)
        {
            return new CurrentState(null, 0, StoreContent.Empty, StoreContent.Empty, false);
        }

        StoreContent content = newest.Content!.ForDevice(_deviceFingerprint, out bool clone);
        if (clone && log)
        {
            Log.StoreCloneDetected(_logger);
        }

        if (log)
        {
            Log.StoreLoaded(_logger, Name, newest.Sequence, content.Licenses.Count);
        }

        return new CurrentState(newest, newest.Sequence, content, newest.Content, clone);
    }

    private Generation Read(string file)
    {
        byte[]? bytes = _files.ReadAll(file);
        if (bytes is null)
        {
            return new Generation(file, EnvelopeState.Blank, 0, null, "no file");
        }

        EnvelopeState state = StoreEnvelope.TryRead(bytes, 1, out uint sequence, out byte[] payload, out string reason);
        if (state == EnvelopeState.Blank)
        {
            // A file of 0xFF bytes is not an erased slot here; it is damage.
            return new Generation(file, EnvelopeState.Invalid, 0, null, "envelope: header is all 0xFF");
        }

        if (state != EnvelopeState.Valid)
        {
            return new Generation(file, state, 0, null, reason);
        }

        if (bytes.Length != StoreEnvelope.TotalLength(payload.Length, 1))
        {
            return new Generation(file, EnvelopeState.Invalid, 0, null, $"envelope: {bytes.Length - StoreEnvelope.TotalLength(payload.Length, 1)} bytes after the commit marker");
        }

        if (!StorePayload.TryDecode(payload, out StoreContent content, out reason))
        {
            return new Generation(file, EnvelopeState.Invalid, sequence, null, reason);
        }

        return new Generation(file, EnvelopeState.Valid, sequence, content, string.Empty);
    }

    private sealed record Generation(string File, EnvelopeState State, uint Sequence, StoreContent? Content, string Reason);

    private sealed record CurrentState(Generation? From, uint Sequence, StoreContent Content, StoreContent Raw, bool CloneDetected);
}
