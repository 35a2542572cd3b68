using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Files;

namespace TsThinLic.Storage.Flash;

/// <summary>
/// The store on raw NOR/MTD-like flash (hardware/flash-layout-ab-slots.md): the partition is two A/B slots of whole
/// erase units, each holding one complete snapshot in a <see cref="StoreEnvelope"/>. An update erases only the slot
/// that does not hold the newest snapshot, programs header and payload, then the commit marker; the newest valid slot
/// wins, so a power cut at any point leaves the old snapshot or the new one. A slot that fails its checks is ignored
/// (logged at Warning, reported by <see cref="Verify"/>) and, unless it only holds a write that never completed, the
/// whole partition is copied to the quarantine before that slot is erased: a damaged slot is never erased before the
/// other slot or the quarantine holds a committed copy. Reading never programs or erases.
/// </summary>
public sealed class FlashLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    private readonly IFlashDevice _device;
    private readonly long _offset;
    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly Func<IDisposable>? _exclusiveLock;
    private readonly IStoreQuarantine? _quarantine;
    private readonly Lock _lock = new();

    /// <param name="device">The medium.</param>
    /// <param name="offset">Where the store's partition starts; a multiple of the erase unit.</param>
    /// <param name="length">The partition's length; split into two slots of whole erase units.</param>
    /// <param name="deviceFingerprint">This device's fingerprint, for clone detection; null to skip it.</param>
    /// <param name="logger">Where corrupt slots are reported.</param>
    /// <param name="exclusiveLock">Taken around every write, to exclude other processes (a lock file); null for none.</param>
    /// <param name="quarantine">Where a damaged partition is copied before a damaged slot is erased; null for nowhere (logged).</param>
    public FlashLicenseStore(IFlashDevice device, long offset, long length, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, Func<IDisposable>? exclusiveLock = null, IStoreQuarantine? quarantine = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        FlashGeometry geometry = device.Geometry;
        if (offset < 0 || offset % geometry.EraseUnit != 0 || length <= 0 || offset + length > device.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The partition 0x{offset:x}+{length} must start on an erase unit and lie inside the {device.Size}-byte device.");
        }

        SlotLength = length / 2 / geometry.EraseUnit * geometry.EraseUnit;
        if (SlotLength == 0 || StoreEnvelope.TotalLength(StorePayload.FixedLength, geometry.ProgramUnit) > SlotLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Two slots of whole {geometry.EraseUnit}-byte erase units do not fit in {length} bytes.");
        }

        _device = device;
        _offset = offset;
        _deviceFingerprint = deviceFingerprint;
        _logger = logger ?? NullLogger.Instance;
        _exclusiveLock = exclusiveLock;
        _quarantine = quarantine;
        // The marker's program unit ends the slot at the latest, and the payload ends before that unit starts.
        MaxPayloadLength = (int)Math.Min(StoreEnvelope.MaxPayloadLength, SlotLength - StoreEnvelope.AlignUp(StoreEnvelope.CommitMarkerLength, geometry.ProgramUnit) - StoreEnvelope.HeaderLength);
    }

    /// <summary>
    /// The store on a partition image file (<c>flash:PATH</c>): the image is created erased when missing (its directory
    /// too), and writers in other processes are excluded by a lock on <c>PATH.lock</c>, as the file store's are.
    /// </summary>
    /// <param name="path">The image file (or block device node).</param>
    /// <param name="geometry">The medium's geometry.</param>
    /// <param name="offset">Where the store's partition starts in the image.</param>
    /// <param name="length">The partition's length.</param>
    /// <param name="deviceFingerprint">This device's fingerprint, for clone detection; null to skip it.</param>
    /// <param name="logger">Where corrupt slots are reported.</param>
    /// <param name="device">The opened image, which the caller disposes after the store.</param>
    public static FlashLicenseStore OpenImageFile(string path, FlashGeometry geometry, long offset, long length, DeviceFingerprint? deviceFingerprint, ILogger? logger, out FileFlashDevice device)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(full) is { } directory)
        {
            PosixStoreFileSystem.CreateDirectories(directory);
        }

        // Creating or extending the image happens under the store's lock: another process's commit never meets it.
        using (StoreFileLock.Acquire(full + ".lock", StoreFileLock.DefaultTimeout))
        {
            device = new FileFlashDevice(full, geometry, offset + length);
        }

        try
        {
            return new FlashLicenseStore(device, offset, length, deviceFingerprint, logger, exclusiveLock: () => StoreFileLock.Acquire(full + ".lock", StoreFileLock.DefaultTimeout), quarantine: new StoreQuarantine(full + ".quarantine"));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Bytes per slot (a whole number of erase units).</summary>
    public long SlotLength { get; }

    /// <summary>The largest payload a slot holds; an update that needs more is refused.</summary>
    public int MaxPayloadLength { get; }

    /// <summary>Where a damaged partition is copied before a damaged slot is erased, if anywhere.</summary>
    public IStoreQuarantine? Quarantine => _quarantine;

    /// <summary>Offset of slot A (0) or B (1) on the device.</summary>
    public long SlotOffset(int slot) => _offset + (slot * SlotLength);

    private string Name => $"flash 2 x {SlotLength} B at 0x{_offset:x}";

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
                exclusive: () => _exclusiveLock?.Invoke(),
                commit: (state, next) => Commit(state, next),
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
                using IDisposable? exclusive = _exclusiveLock?.Invoke();
                CurrentState current = ReadCurrent(log: true);
                StoreContent next = current.Content.Apply(update, _deviceFingerprint);
                Commit(current, next);
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
                using IDisposable? exclusive = _exclusiveLock?.Invoke();
                CurrentState current = ReadCurrent(log: true);
                // Both slots go (one now, the other at once or by the commit below): a damaged one is kept first.
                KeepDamaged(current, [0, 1]);
                if (licensesOnly && current.Content.HardwareId is not null)
                {
                    // Keep the HWID record: commit a snapshot without CALs, then erase the slot that still holds them.
                    int written = Commit(current, current.Content.WithoutLicenses());
                    EraseSlot(1 - written);
                }
                else
                {
                    // The older slot first: a cut between the two erases leaves the newest snapshot (the pre-wipe state),
                    // never an older one brought back.
                    int newest = current.Slot ?? 1;
                    EraseSlot(1 - newest);
                    EraseSlot(newest);
                }

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
                using IDisposable? exclusive = _exclusiveLock?.Invoke();
                // The usual A/B commit: the new contents go to the slot not in use, so a cut leaves the old ones.
                Commit(ReadCurrent(log: true), contents.ToStoreContent());
                return 0;
            });
        }
    }

    /// <summary>The partition as a backup keeps it: both slots, raw, exactly as on the medium.</summary>
    public byte[] ReadImage()
    {
        lock (_lock)
        {
            return Guard("read", ReadPartition);
        }
    }

    private byte[] ReadPartition()
    {
        byte[] image = new byte[2 * SlotLength];
        _device.Read(_offset, image);
        return image;
    }

    /// <summary>
    /// Puts a partition image (from <see cref="ReadImage"/>) back byte for byte, power-cut safe: at every point the
    /// store loads either what it held before or what the image holds. The image's newest slot is written first (into
    /// the slot not in use; when that is the image's own slot's partner, a copy goes there first and the real slot
    /// follows), the image's older slot last.
    /// </summary>
    /// <exception cref="LicenseStoreException">The image is not a partition of this size, or holds no valid snapshot.</exception>
    public void RestoreImage(ReadOnlySpan<byte> image)
    {
        if (image.Length != 2 * SlotLength)
        {
            throw new LicenseStoreException($"A partition image of {image.Length} bytes does not fit this store's 2 x {SlotLength}-byte slots.");
        }

        if (!TryReadImage(image, _device.Geometry, out _, out string reason))
        {
            throw new LicenseStoreException($"Not a partition image: {reason}");
        }

        byte[] bytes = image.ToArray();
        lock (_lock)
        {
            Guard("write", () =>
            {
                using IDisposable? exclusive = _exclusiveLock?.Invoke();
                int imageNewest = NewestSlotOf(bytes);
                CurrentState current = ReadCurrent(log: true);
                KeepDamaged(current, [0, 1]);
                ReadOnlySpan<byte> newest = bytes.AsSpan((int)(imageNewest * SlotLength), (int)SlotLength);
                if (current.Slot == imageNewest)
                {
                    // The image's slot is the one in use now: park a copy of its snapshot in the other slot first.
                    WriteSlotRaw(1 - imageNewest, newest);
                }

                WriteSlotRaw(imageNewest, newest);
                WriteSlotRaw(1 - imageNewest, bytes.AsSpan((int)((1 - imageNewest) * SlotLength), (int)SlotLength));
                Log.StoreCommitted(_logger, Name, 0, bytes.Length, "both slots (restored image)");
                return 0;
            });
        }
    }

    private int NewestSlotOf(byte[] image)
    {
        FlashGeometry geometry = _device.Geometry;
        int? newest = null;
        uint newestSequence = 0;
        for (int slot = 0; slot < 2; slot++)
        {
            ReadOnlySpan<byte> region = image.AsSpan((int)(slot * SlotLength), (int)SlotLength);
            if (StoreEnvelope.TryRead(region, geometry.ProgramUnit, out uint sequence, out byte[] payload, out _, geometry.EraseValue) == EnvelopeState.Valid
                && StorePayload.TryDecode(payload, out _, out _)
                && (newest is null || StoreEnvelope.IsNewer(sequence, newestSequence)))
            {
                newest = slot;
                newestSequence = sequence;
            }
        }

        return newest ?? throw new LicenseStoreException("The partition image holds no valid slot.");
    }

    private void WriteSlotRaw(int slot, ReadOnlySpan<byte> content)
    {
        FlashGeometry geometry = _device.Geometry;
        EraseSlot(slot);
        // Only up to the last programmed byte: erased cells are already what the image holds.
        int used = content.LastIndexOfAnyExcept(geometry.EraseValue) + 1;
        if (used > 0)
        {
            _device.Program(SlotOffset(slot), content[..StoreEnvelope.AlignUp(used, geometry.ProgramUnit)]);
        }
    }

    /// <summary>
    /// Reads a partition image (from <see cref="ReadImage"/>) without a device: what a store on it would hold. False,
    /// with the slot, field and offset, when neither slot holds a valid snapshot.
    /// </summary>
    public static bool TryReadImage(ReadOnlySpan<byte> image, FlashGeometry geometry, out LicenseStoreContents contents, out string reason)
    {
        contents = LicenseStoreContents.Empty;
        if (image.Length == 0 || image.Length % (2L * geometry.EraseUnit) != 0)
        {
            reason = $"a partition image of {image.Length} bytes is not two slots of whole {geometry.EraseUnit}-byte erase units";
            return false;
        }

        // The constructor's own limit: each slot must hold at least an empty snapshot (found by fuzzing: a 1 KiB image
        // with 512-byte program units threw instead of being refused).
        if (StoreEnvelope.TotalLength(StorePayload.FixedLength, geometry.ProgramUnit) > image.Length / 2)
        {
            reason = $"a partition image of {image.Length} bytes has slots too small for one snapshot with {geometry.ProgramUnit}-byte program units";
            return false;
        }

        var store = new FlashLicenseStore(FlashImageSnapshot.FromImage(geometry, image), 0, image.Length);
        StoreVerification verification = store.Verify();
        if (!verification.Findings.Any(f => f.Kind == StoreFindingKind.Valid))
        {
            reason = string.Join("; ", verification.Findings.Select(f => $"{f.Record}: {f.Detail}"));
            return false;
        }

        contents = store.ReadContents();
        reason = string.Empty;
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
                if (_device is FlashImageSnapshot { MediumFinding: { } medium })
                {
                    findings.Add(medium);
                }

                for (int i = 0; i < 2; i++)
                {
                    string record = $"slot {(char)('A' + i)} at 0x{SlotOffset(i):x}";
                    SlotState slot = current.Slots[i];
                    string kept = _quarantine is null ? string.Empty : $"; the partition is copied to {_quarantine.Location} before the slot is erased";
                    findings.Add(slot.State switch
                    {
                        EnvelopeState.Blank => new StoreFinding(record, StoreFindingKind.Empty, "erased"),
                        EnvelopeState.Invalid => new StoreFinding(record, StoreFindingKind.Corrupt, slot.Uncommitted ? slot.Reason : slot.Reason + kept),
                        _ when current.Slot == i => new StoreFinding(record, StoreFindingKind.Valid, $"sequence {slot.Sequence}, {slot.Content!.Licenses.Count} license(s), in use"),
                        _ => new StoreFinding(record, StoreFindingKind.Superseded, $"sequence {slot.Sequence}, the previous snapshot"),
                    });
                }

                if (current.CloneDetected)
                {
                    findings.Add(new StoreFinding("HWID record", StoreFindingKind.Clone, "the HWID was made on another device; a new one is made on next use"));
                }

                return new StoreVerification(Name, findings, current.Content.ToSnapshot()) { Quarantined = _quarantine?.List() ?? [] };
            });
        }
    }

    private int Commit(CurrentState current, StoreContent next)
    {
        byte[] payload = StorePayload.Encode(next);
        if (payload.Length > MaxPayloadLength)
        {
            Log.StoreRefused(_logger, Name, $"{payload.Length}-byte snapshot, slots hold {MaxPayloadLength}");
            throw new LicenseStoreException($"The new snapshot needs {payload.Length} bytes; a slot of this partition holds {MaxPayloadLength}. Wipe unused licenses first.");
        }

        int target = current.Slot is { } slot ? 1 - slot : EmptiestSlot(current);
        // DESIGN.md, failure semantics: the target is erased below; if it holds a damaged record, keep it first.
        KeepDamaged(current, [target]);
        uint sequence = unchecked(current.Sequence + 1);
        FlashGeometry geometry = _device.Geometry;
        byte[] body = StoreEnvelope.BuildBody(sequence, payload, geometry.ProgramUnit, geometry.EraseValue);
        byte[] marker = StoreEnvelope.BuildMarker(geometry.ProgramUnit, geometry.EraseValue);
        long slotOffset = SlotOffset(target);

        // Only the units the new envelope needs, and only those not already erased: one erase per update.
        int needed = StoreEnvelope.AlignUp(body.Length + marker.Length, geometry.EraseUnit);
        EraseRange(slotOffset, needed);
        _device.Program(slotOffset, body);
        // The commit marker last: until it is programmed the slot is not valid, so the old snapshot stays the newest.
        _device.Program(slotOffset + body.Length, marker);
        Log.StoreCommitted(_logger, Name, sequence, payload.Length, $"slot {(char)('A' + target)}");
        return target;
    }

    /// <summary>
    /// Where a commit goes when no slot is valid: an erased slot, else one holding only an interrupted write, else slot
    /// A. So a damaged slot stays on the medium until the other slot holds a committed state, whenever there is a choice.
    /// </summary>
    private static int EmptiestSlot(CurrentState current)
    {
        for (int i = 0; i < 2; i++)
        {
            if (current.Slots[i].State == EnvelopeState.Blank)
            {
                return i;
            }
        }

        for (int i = 0; i < 2; i++)
        {
            if (current.Slots[i].Uncommitted)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>
    /// Copies the partition to the quarantine (and says so) before any of <paramref name="slots"/> that holds a damaged
    /// record is erased. A slot holding only an interrupted write never held a committed state and is not kept.
    /// </summary>
    private void KeepDamaged(CurrentState current, int[] slots)
    {
        bool Damaged(int i) => current.Slots[i] is { State: EnvelopeState.Invalid, Uncommitted: false };
        if (!slots.Any(Damaged) || current.Kept)
        {
            return;
        }

        // The copy is the whole partition: its note names every damaged slot in it.
        int[] damaged = [.. Enumerable.Range(0, 2).Where(Damaged)];

        string records = string.Join(", ", damaged.Select(i => $"slot {(char)('A' + i)}"));
        string reasons = string.Join("; ", damaged.Select(i => $"slot {(char)('A' + i)}: {current.Slots[i].Reason}"));
        string context = current.Slot is { } inUse ? $"the store went on with slot {(char)('A' + inUse)} (sequence {current.Sequence})" : "no valid slot was left, so the device licenses afresh";
        if (_quarantine is null)
        {
            Log.StoreRecordDiscarded(_logger, $"{Name} {records}", reasons);
            current.Kept = true;
            return;
        }

        byte[] partition = ReadPartition();
        int slotLength = (int)SlotLength;
        bool SameSlots(byte[] copy) => copy.Length == partition.Length
            && slots.Where(Damaged).All(i => copy.AsSpan(i * slotLength, slotLength).SequenceEqual(partition.AsSpan(i * slotLength, slotLength)));
        if (_quarantine.HoldsCopy(SameSlots))
        {
            // An earlier write kept this damage already (the other slot was rewritten since): nothing new to keep.
            current.Kept = true;
            return;
        }

        QuarantinedImage kept = _quarantine.Keep(partition, ".bin", Name, $"{reasons}; {context}");
        current.Kept = true;
        Log.StoreRecordQuarantined(_logger, $"{Name} {records}", kept.Path, reasons);
    }

    private void EraseSlot(int slot) => EraseRange(SlotOffset(slot), SlotLength);

    private void EraseRange(long start, long length)
    {
        FlashGeometry geometry = _device.Geometry;
        byte[] unit = new byte[geometry.EraseUnit];
        long runStart = -1;
        for (long at = start; at < start + length; at += geometry.EraseUnit)
        {
            _device.Read(at, unit);
            bool blank = !unit.AsSpan().ContainsAnyExcept(geometry.EraseValue);
            if (!blank && runStart < 0)
            {
                runStart = at;
            }
            else if (blank && runStart >= 0)
            {
                _device.Erase(runStart, at - runStart);
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            _device.Erase(runStart, start + length - runStart);
        }
    }

    private CurrentState ReadCurrent(bool log)
    {
        SlotState[] slots = [ReadSlot(0), ReadSlot(1)];
        int? newest = null;
        for (int i = 0; i < 2; i++)
        {
            if (slots[i].State == EnvelopeState.Invalid && log)
            {
                Log.StoreRecordCorrupt(_logger, $"{Name} slot {(char)('A' + i)}", slots[i].Reason);
            }

            if (slots[i].State == EnvelopeState.Valid && (newest is null || StoreEnvelope.IsNewer(slots[i].Sequence, slots[newest.Value].Sequence)))
            {
                newest = i;
            }
        }

        if (newest is not { } n)
        {
            // A sequence that continues past any torn slot is not needed: a torn slot is never valid.
            return new CurrentState(slots, null, 0, StoreContent.Empty, StoreContent.Empty, false);
        }

        StoreContent content = slots[n].Content!.ForDevice(_deviceFingerprint, out bool clone);
        if (clone && log)
        {
            Log.StoreCloneDetected(_logger);
        }

        if (log)
        {
            Log.StoreLoaded(_logger, Name, slots[n].Sequence, content.Licenses.Count);
        }

        return new CurrentState(slots, n, slots[n].Sequence, content, slots[n].Content!, clone);
    }

    private SlotState ReadSlot(int slot)
    {
        byte[] bytes = new byte[SlotLength];
        _device.Read(SlotOffset(slot), bytes);
        FlashGeometry geometry = _device.Geometry;
        EnvelopeState state = StoreEnvelope.TryRead(bytes, geometry.ProgramUnit, out uint sequence, out byte[] payload, out string reason, geometry.EraseValue);
        if (state != EnvelopeState.Valid)
        {
            return new SlotState(state, 0, null, reason, state == EnvelopeState.Invalid && StoreEnvelope.IsUncommittedWrite(bytes, geometry.ProgramUnit, geometry.EraseValue));
        }

        if (!StorePayload.TryDecode(payload, out StoreContent content, out reason))
        {
            return new SlotState(EnvelopeState.Invalid, sequence, null, reason, false);
        }

        return new SlotState(EnvelopeState.Valid, sequence, content, string.Empty, false);
    }

    private static T Guard<T>(string what, Func<T> action) => StoreOperation.Guard(what, action);

    /// <summary>What one slot holds; <c>Uncommitted</c>: invalid only because a write never completed (no commit marker, the rest erased), so no committed state is lost with it.</summary>
    private sealed record SlotState(EnvelopeState State, uint Sequence, StoreContent? Content, string Reason, bool Uncommitted);

    private sealed record CurrentState(SlotState[] Slots, int? Slot, uint Sequence, StoreContent Content, StoreContent Raw, bool CloneDetected)
    {
        /// <summary>Whether this operation already copied the partition to the quarantine.</summary>
        public bool Kept { get; set; }
    }
}
