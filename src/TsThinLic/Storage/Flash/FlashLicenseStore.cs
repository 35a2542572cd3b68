using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Records;

namespace TsThinLic.Storage.Flash;

/// <summary>
/// The store on raw NOR/MTD-like flash (hardware/flash-layout-ab-slots.md): the partition is two A/B slots of whole
/// erase units, each holding one complete snapshot in a <see cref="StoreEnvelope"/>. An update erases only the slot
/// that does not hold the newest snapshot, programs header and payload, then the commit marker; the newest valid slot
/// wins, so a power cut at any point leaves the old snapshot or the new one. A slot that fails its checks is ignored
/// (logged at Warning, reported by <see cref="Verify"/>).
/// </summary>
public sealed class FlashLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    private readonly IFlashDevice _device;
    private readonly long _offset;
    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly Func<IDisposable>? _exclusiveLock;
    private readonly Lock _lock = new();

    /// <param name="device">The medium.</param>
    /// <param name="offset">Where the store's partition starts; a multiple of the erase unit.</param>
    /// <param name="length">The partition's length; split into two slots of whole erase units.</param>
    /// <param name="deviceFingerprint">This device's fingerprint, for clone detection; null to skip it.</param>
    /// <param name="logger">Where corrupt slots are reported.</param>
    /// <param name="exclusiveLock">Taken around every write, to exclude other processes (a lock file); null for none.</param>
    public FlashLicenseStore(IFlashDevice device, long offset, long length, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null, Func<IDisposable>? exclusiveLock = null)
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
            Directory.CreateDirectory(directory);
        }

        device = new FileFlashDevice(full, geometry, offset + length);
        try
        {
            return new FlashLicenseStore(device, offset, length, deviceFingerprint, logger, exclusiveLock: () => StoreFileLock.Acquire(full + ".lock", TimeSpan.FromSeconds(10)));
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

    /// <summary>Offset of slot A (0) or B (1) on the device.</summary>
    public long SlotOffset(int slot) => _offset + (slot * SlotLength);

    private string Name => $"flash 2 x {SlotLength} B at 0x{_offset:x}";

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
            using IDisposable? exclusive = _exclusiveLock?.Invoke();
            CurrentState current = ReadCurrent(log: true);
            StoreContent next = current.Content.Apply(update, _deviceFingerprint);
            Commit(current, next);
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            using IDisposable? exclusive = _exclusiveLock?.Invoke();
            CurrentState current = ReadCurrent(log: true);
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
            using IDisposable? exclusive = _exclusiveLock?.Invoke();
            // The usual A/B commit: the new contents go to the slot not in use, so a cut leaves the old ones.
            Commit(ReadCurrent(log: true), contents.ToStoreContent());
        }
    }

    /// <summary>The partition as a backup keeps it: both slots, raw, exactly as on the medium.</summary>
    public byte[] ReadImage()
    {
        lock (_lock)
        {
            byte[] image = new byte[2 * SlotLength];
            _device.Read(_offset, image);
            return image;
        }
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
            using IDisposable? exclusive = _exclusiveLock?.Invoke();
            int imageNewest = NewestSlotOf(bytes);
            CurrentState current = ReadCurrent(log: true);
            ReadOnlySpan<byte> newest = bytes.AsSpan((int)(imageNewest * SlotLength), (int)SlotLength);
            if (current.Slot == imageNewest)
            {
                // The image's slot is the one in use now: park a copy of its snapshot in the other slot first.
                WriteSlotRaw(1 - imageNewest, newest);
            }

            WriteSlotRaw(imageNewest, newest);
            WriteSlotRaw(1 - imageNewest, bytes.AsSpan((int)((1 - imageNewest) * SlotLength), (int)SlotLength));
            Log.StoreCommitted(_logger, Name, 0, bytes.Length, "both slots (restored image)");
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
            SlotState[] slots = [ReadSlot(0), ReadSlot(1)];
            CurrentState current = ReadCurrent(slots, log: false);
            var findings = new List<StoreFinding>();
            for (int i = 0; i < 2; i++)
            {
                string record = $"slot {(char)('A' + i)} at 0x{SlotOffset(i):x}";
                SlotState slot = slots[i];
                findings.Add(slot.State switch
                {
                    EnvelopeState.Blank => new StoreFinding(record, StoreFindingKind.Empty, "erased"),
                    EnvelopeState.Invalid => new StoreFinding(record, StoreFindingKind.Corrupt, slot.Reason),
                    _ when current.Slot == i => new StoreFinding(record, StoreFindingKind.Valid, $"sequence {slot.Sequence}, {slot.Content!.Licenses.Count} license(s), in use"),
                    _ => new StoreFinding(record, StoreFindingKind.Superseded, $"sequence {slot.Sequence}, the previous snapshot"),
                });
            }

            if (current.CloneDetected)
            {
                findings.Add(new StoreFinding("HWID record", StoreFindingKind.Clone, "the HWID was made on another device; a new one is made on next use"));
            }

            return new StoreVerification(Name, findings, current.Content.ToSnapshot());
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

        int target = current.Slot is { } slot ? 1 - slot : 0;
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

    private CurrentState ReadCurrent(bool log) => ReadCurrent([ReadSlot(0), ReadSlot(1)], log);

    private CurrentState ReadCurrent(SlotState[] slots, bool log)
    {
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
            return new CurrentState(null, 0, StoreContent.Empty, StoreContent.Empty, false);
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

        return new CurrentState(n, slots[n].Sequence, content, slots[n].Content!, clone);
    }

    private SlotState ReadSlot(int slot)
    {
        byte[] bytes = new byte[SlotLength];
        _device.Read(SlotOffset(slot), bytes);
        EnvelopeState state = StoreEnvelope.TryRead(bytes, _device.Geometry.ProgramUnit, out uint sequence, out byte[] payload, out string reason, _device.Geometry.EraseValue);
        if (state != EnvelopeState.Valid)
        {
            return new SlotState(state, 0, null, reason);
        }

        if (!StorePayload.TryDecode(payload, out StoreContent content, out reason))
        {
            return new SlotState(EnvelopeState.Invalid, sequence, null, reason);
        }

        return new SlotState(EnvelopeState.Valid, sequence, content, string.Empty);
    }

    private sealed record SlotState(EnvelopeState State, uint Sequence, StoreContent? Content, string Reason);

    private sealed record CurrentState(int? Slot, uint Sequence, StoreContent Content, StoreContent Raw, bool CloneDetected);
}
