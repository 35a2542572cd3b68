using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage.Files;

/// <summary>
/// The store as a file on FTL media (eMMC, SSD, SD: the device's controller does wear levelling and erase), layout in
/// hardware/flash-layout-file.md: the same <see cref="StoreEnvelope"/> as a flash slot. An update writes the whole new
/// snapshot to <c>PATH.tmp</c> and fsyncs it, renames the current file to <c>PATH.prev</c> (the previous generation,
/// kept), renames the temp file to <c>PATH</c>, and fsyncs the directory. A reader takes the newest valid of
/// <c>PATH</c> and <c>PATH.prev</c>, so a power cut at any step leaves the old snapshot or the new one. Writers in
/// different processes exclude each other with a lock on <c>PATH.lock</c>. A generation that fails its checks is
/// copied to the quarantine (<c>PATH.quarantine/</c>) before anything overwrites or removes it; reading never writes.
/// </summary>
public sealed class FileLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    /// <summary>The longest file read as a generation: the largest envelope. A longer file is damage, read no further.</summary>
    public const int MaxFileLength = StoreEnvelope.HeaderLength + StoreEnvelope.MaxPayloadLength + StoreEnvelope.CommitMarkerLength;

    private readonly IStoreFileSystem _files;
    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <param name="path">The store file.</param>
    /// <param name="deviceFingerprint">This device's fingerprint, for clone detection; null to skip it.</param>
    /// <param name="logger">Where damaged records, quarantines and commits are reported.</param>
    /// <param name="quarantine">Where damaged generations are kept; by default <c>PATH.quarantine/</c>, dated by the system clock.</param>
    public FileLicenseStore(string path, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, IStoreQuarantine? quarantine = null)
        : this(path, PosixStoreFileSystem.Instance, deviceFingerprint, logger, quarantine)
    {
    }

    internal FileLicenseStore(string path, IStoreFileSystem files, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, IStoreQuarantine? quarantine = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(files);
        Path = System.IO.Path.GetFullPath(path);
        _files = files;
        _deviceFingerprint = deviceFingerprint;
        _logger = logger ?? NullLogger.Instance;
        Quarantine = quarantine ?? new StoreQuarantine(QuarantinePath(Path), files);
    }

    /// <summary>The current generation's file.</summary>
    public string Path { get; }

    public string PreviousPath => Path + ".prev";

    public string TemporaryPath => Path + ".tmp";

    public string LockPath => Path + ".lock";

    /// <summary>Where damaged generations are kept before they are overwritten.</summary>
    public IStoreQuarantine Quarantine { get; }

    private string Directory => System.IO.Path.GetDirectoryName(Path)!;

    private string Name => $"file {Path}";

    /// <summary>The default quarantine directory of the store file <paramref name="storePath"/>.</summary>
    public static string QuarantinePath(string storePath) => System.IO.Path.GetFullPath(storePath) + ".quarantine";

    public LicenseStoreSnapshot Load()
    {
        lock (_lock)
        {
            return Guard("read", () => ReadCurrent(log: true).Content.ToSnapshot());
        }
    }

    public LicenseStoreSnapshot LoadOrCreateHardwareId(Func<ClientHardwareId> create, out bool created)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_lock)
        {
            bool made = false;
            LicenseStoreSnapshot snapshot = Guard("write", () => StoreOperation.LoadOrCreateHardwareId(
                read: log => ReadCurrent(log),
                content: state => state.Content,
                exclusive: () =>
                {
                    _files.CreateDirectory(Directory);
                    return _files.Lock(LockPath);
                },
                commit: Commit,
                create,
                _deviceFingerprint,
                out made));
            created = made;
            return snapshot;
        }
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            Guard("write", () =>
            {
                _files.CreateDirectory(Directory);
                using IDisposable exclusive = _files.Lock(LockPath);
                CurrentState current = ReadCurrent(log: true);
                Commit(current, current.Content.Apply(update, _deviceFingerprint));
                return 0;
            });
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            Guard("wipe", () =>
            {
                if (!_files.DirectoryExists(Directory))
                {
                    return 0;
                }

                using IDisposable exclusive = _files.Lock(LockPath);
                CurrentState current = ReadCurrent(log: true);
                KeepDamaged(current);
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
                return 0;
            });
        }
    }

    public LicenseStoreContents ReadContents()
    {
        lock (_lock)
        {
            return Guard("read", () => LicenseStoreContents.From(ReadCurrent(log: false).Raw));
        }
    }

    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        lock (_lock)
        {
            Guard("write", () =>
            {
                _files.CreateDirectory(Directory);
                using IDisposable exclusive = _files.Lock(LockPath);
                Commit(ReadCurrent(log: true), contents.ToStoreContent());
                return 0;
            });
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
            return Guard("read", () =>
            {
                CurrentState current = ReadCurrent(log: false);
                return current.From?.Bytes ?? current.Generations[0].Bytes ?? current.Generations[1].Bytes;
            });
        }
    }

    /// <summary>
    /// Puts a store file image (from <see cref="ReadImage"/>) back byte for byte. The image is checked first; it is
    /// written beside the store, synced, and renamed over it, then the previous generation is removed so that the
    /// restored sequence number counts: a cut before that removal leaves the pre-restore state, after it the restored one.
    /// A generation that fails its checks is quarantined first.
    /// </summary>
    /// <exception cref="LicenseStoreException">The image is not a valid store file, or the medium failed.</exception>
    public void RestoreImage(ReadOnlySpan<byte> image)
    {
        if (!TryReadImage(image, out _, out string reason))
        {
            throw new LicenseStoreException($"Not a store file image: {reason}");
        }

        byte[] bytes = image.ToArray();
        lock (_lock)
        {
            Guard("write", () =>
            {
                _files.CreateDirectory(Directory);
                using IDisposable exclusive = _files.Lock(LockPath);
                CurrentState current = ReadCurrent(log: true);
                KeepDamaged(current);
                WriteTemporary(bytes);
                try
                {
                    if (current.Generations[0].State != EnvelopeState.Blank)
                    {
                        _files.Rename(Path, PreviousPath);
                    }

                    _files.Rename(TemporaryPath, Path);
                }
                catch (IOException)
                {
                    DurableFile.TryDelete(_files, TemporaryPath);
                    throw;
                }

                _files.SyncDirectory(Directory);
                _files.Delete(PreviousPath);
                _files.SyncDirectory(Directory);
                Log.StoreCommitted(_logger, Name, 0, bytes.Length, Path + " (restored image)");
                return 0;
            });
        }
    }

    /// <summary>Reads a store file image (one generation) without a store; false with the field and offset that failed.</summary>
    public static bool TryReadImage(ReadOnlySpan<byte> image, out LicenseStoreContents contents, out string reason)
    {
        contents = LicenseStoreContents.Empty;
        if (!TryDecodeGeneration(image, out _, out StoreContent content, out reason))
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
            return Guard("read", () =>
            {
                CurrentState current = ReadCurrent(log: false);
                var findings = new List<StoreFinding>();
                foreach (Generation generation in current.Generations)
                {
                    findings.Add(generation.State switch
                    {
                        EnvelopeState.Blank => new StoreFinding(generation.File, StoreFindingKind.Empty, "no file"),
                        EnvelopeState.Invalid => new StoreFinding(generation.File, StoreFindingKind.Corrupt, $"{generation.Reason}; it is copied to {Quarantine.Location} before the next write replaces it"),
                        _ when ReferenceEquals(current.From, generation) => new StoreFinding(generation.File, StoreFindingKind.Valid, $"sequence {generation.Sequence}, {generation.Content!.Licenses.Count} license(s), in use"),
                        _ => new StoreFinding(generation.File, StoreFindingKind.Superseded, $"sequence {generation.Sequence}, the previous generation"),
                    });
                }

                if (current.CloneDetected)
                {
                    findings.Add(new StoreFinding("HWID record", StoreFindingKind.Clone, "the HWID was made on another device; a new one is made on next use"));
                }

                return new StoreVerification(Name, findings, current.Content.ToSnapshot()) { Quarantined = Quarantine.List() };
            });
        }
    }

    private void Commit(CurrentState current, StoreContent next)
    {
        byte[] payload = StorePayload.Encode(next);
        if (payload.Length > StoreEnvelope.MaxPayloadLength)
        {
            throw new LicenseStoreException($"The new snapshot needs {payload.Length} bytes, over the store's {StoreEnvelope.MaxPayloadLength}.");
        }

        // DESIGN.md, failure semantics: a generation that fails its checks is kept before this commit replaces it. The
        // previous generation is replaced only when the current file is valid (it moves there).
        KeepDamaged(current, previousToo: current.From?.File == Path);
        uint sequence = unchecked(current.Sequence + 1);
        WriteTemporary(StoreEnvelope.Build(sequence, payload));

        // The newest is the previous generation when the current file is damaged or missing: it stays where it is, and
        // the new file takes PATH (the damaged one is in the quarantine by now).
        bool movedCurrent = false;
        try
        {
            if (current.From is { } from && from.File == Path)
            {
                _files.Rename(Path, PreviousPath);
                movedCurrent = true;
            }

            _files.Rename(TemporaryPath, Path);
        }
        catch (IOException exception) when (exception is FileFaultException)
        {
            // A refused rename (ENOSPC, EMFILE, EIO): put the current generation back where it was, drop the temp file.
            if (movedCurrent)
            {
                TryRename(PreviousPath, Path);
            }

            DurableFile.TryDelete(_files, TemporaryPath);
            throw;
        }

        try
        {
            _files.SyncDirectory(Directory);
        }
        catch (IOException exception) when (exception is FileFaultException)
        {
            // The renames may not be on the medium, so the commit cannot be promised: undo them as far as the file
            // system lets us (the previous generation back as the current one), so that the store reads as before.
            if (movedCurrent)
            {
                TryRename(PreviousPath, Path);
            }
            else
            {
                DurableFile.TryDelete(_files, Path);
            }

            throw;
        }

        Log.StoreCommitted(_logger, Name, sequence, payload.Length, Path);
    }

    private void WriteTemporary(byte[] bytes)
    {
        try
        {
            _files.WriteDurably(TemporaryPath, bytes);
        }
        catch (IOException exception) when (exception is FileFaultException)
        {
            DurableFile.TryDelete(_files, TemporaryPath);
            throw;
        }
    }

    private void TryRename(string from, string to)
    {
        try
        {
            _files.Rename(from, to);
        }
        catch (IOException)
        {
            // The first failure is the one reported; the reader still takes the newest valid generation.
        }
    }

    /// <summary>
    /// Copies each generation that failed its checks and that this operation replaces or removes to the quarantine
    /// (and says so), before the first write; <paramref name="previousToo"/> is false when the previous generation
    /// survives the operation (a commit over a damaged or missing current file keeps it).
    /// </summary>
    private void KeepDamaged(CurrentState current, bool previousToo = true)
    {
        foreach (Generation generation in current.Generations)
        {
            if (generation.State != EnvelopeState.Invalid || generation.Bytes is null || current.Kept.Contains(generation.File) || (!previousToo && generation.File == PreviousPath))
            {
                continue;
            }

            if (Quarantine.HoldsCopy(copy => copy.AsSpan().SequenceEqual(generation.Bytes)))
            {
                // A write cut short after the copy and before the commit: the copy is there already.
                current.Kept.Add(generation.File);
                continue;
            }

            string context = current.From is { } from ? $"the store went on with {System.IO.Path.GetFileName(from.File)} (sequence {from.Sequence})" : "no valid generation was left, so the device licenses afresh";
            string reason = $"{System.IO.Path.GetFileName(generation.File)}: {generation.Reason}; {context}";
            QuarantinedImage kept = Quarantine.Keep(generation.Bytes, ".store", Name, reason);
            current.Kept.Add(generation.File);
            Log.StoreRecordQuarantined(_logger, generation.File, kept.Path, generation.Reason);
        }
    }

    private CurrentState ReadCurrent(bool log)
    {
        Generation[] generations = [Read(Path), Read(PreviousPath)];
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
            return new CurrentState(generations, null, 0, StoreContent.Empty, StoreContent.Empty, false);
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

        return new CurrentState(generations, newest, newest.Sequence, content, newest.Content, clone);
    }

    private Generation Read(string file)
    {
        byte[]? bytes = _files.ReadAll(file, MaxFileLength + 1);
        if (bytes is null)
        {
            return new Generation(file, EnvelopeState.Blank, 0, null, "no file", null);
        }

        if (bytes.Length > MaxFileLength)
        {
            // Not ours, or damaged: never read further than the largest envelope. Its first bytes are what is kept.
            bytes = bytes[..MaxFileLength];
            return new Generation(file, EnvelopeState.Invalid, 0, null, $"envelope: the file is over the {MaxFileLength}-byte limit of a store file", bytes);
        }

        if (!TryDecodeGeneration(bytes, out uint sequence, out StoreContent content, out string reason))
        {
            return new Generation(file, EnvelopeState.Invalid, 0, null, reason, bytes);
        }

        return new Generation(file, EnvelopeState.Valid, sequence, content, string.Empty, bytes);
    }

    private static bool TryDecodeGeneration(ReadOnlySpan<byte> bytes, out uint sequence, out StoreContent content, out string reason)
    {
        content = StoreContent.Empty;
        EnvelopeState state = StoreEnvelope.TryRead(bytes, 1, out sequence, out byte[] payload, out reason);
        if (state == EnvelopeState.Blank)
        {
            // A file of 0xFF bytes is not an erased slot here; it is damage.
            reason = "envelope: header is all 0xFF";
            return false;
        }

        if (state != EnvelopeState.Valid)
        {
            return false;
        }

        if (bytes.Length != StoreEnvelope.TotalLength(payload.Length, 1))
        {
            reason = $"envelope: {bytes.Length - StoreEnvelope.TotalLength(payload.Length, 1)} bytes after the commit marker";
            return false;
        }

        return StorePayload.TryDecode(payload, out content, out reason);
    }

    private static T Guard<T>(string what, Func<T> action) => StoreOperation.Guard(what, action);

    private sealed record Generation(string File, EnvelopeState State, uint Sequence, StoreContent? Content, string Reason, byte[]? Bytes);

    private sealed record CurrentState(Generation[] Generations, Generation? From, uint Sequence, StoreContent Content, StoreContent Raw, bool CloneDetected)
    {
        /// <summary>Files already copied to the quarantine by this operation.</summary>
        public HashSet<string> Kept { get; } = new(StringComparer.Ordinal);
    }
}
