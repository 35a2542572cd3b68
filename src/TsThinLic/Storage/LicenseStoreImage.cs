using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Storage;

/// <summary>What kind of file a backup or export is.</summary>
public enum LicenseStoreImageFormat
{
    /// <summary>The portable JSON of <see cref="LicenseStoreJson"/>.</summary>
    Json,

    /// <summary>A regedit 5.00 export of HKLM\SOFTWARE\Microsoft\MSLicensing.</summary>
    Reg,

    /// <summary>A file store's file, byte for byte.</summary>
    FileStore,

    /// <summary>A flash store's partition (both slots), byte for byte.</summary>
    FlashPartition,
}

/// <summary>
/// Reads any file a backup, <c>export</c> or a field engineer may hand <c>import</c>: the portable JSON, a .reg of
/// MSLicensing, a file store's file, or a flash partition image. The kind is told from the bytes, not the name.
/// </summary>
public static class LicenseStoreImage
{
    /// <summary>Largest image read: the largest flash partition a device profile gives, with room to spare.</summary>
    public const int MaxLength = 16 << 20;

    public static bool TryRead(ReadOnlySpan<byte> image, FlashGeometry flashGeometry, out LicenseStoreImageFormat format, out LicenseStoreContents contents, out string error)
    {
        ArgumentNullException.ThrowIfNull(flashGeometry);
        format = LicenseStoreImageFormat.Json;
        contents = LicenseStoreContents.Empty;
        if (image.Length == 0 || image.Length > MaxLength)
        {
            error = $"{image.Length} bytes: an image is 1 to {MaxLength} bytes";
            return false;
        }

        if (LooksLikeReg(image))
        {
            format = LicenseStoreImageFormat.Reg;
            return TryReadReg(image, out contents, out error);
        }

        if (LooksLikeJson(image))
        {
            format = LicenseStoreImageFormat.Json;
            return LicenseStoreJson.TryRead(image, out contents, out error);
        }

        // A flash partition whose slot A is valid starts like a store file; the file is exactly one envelope long.
        if (FileLicenseStore.TryReadImage(image, out contents, out string fileError))
        {
            format = LicenseStoreImageFormat.FileStore;
            error = string.Empty;
            return true;
        }

        if (FlashLicenseStore.TryReadImage(image, flashGeometry, out contents, out string flashError))
        {
            format = LicenseStoreImageFormat.FlashPartition;
            error = string.Empty;
            return true;
        }

        format = LicenseStoreImageFormat.FileStore;
        error = $"not a JSON export, a .reg, a store file ({fileError}) or a {flashGeometry} flash partition ({flashError})";
        return false;
    }

    /// <summary>
    /// Reads what a damaged store file or flash partition image (a quarantined copy, or a backup of a damaged store)
    /// still holds: the envelope's checks are not required, and the payload is read record by record until one does
    /// not decode (<see cref="StorePayload.TrySalvage"/>). A flash partition gives the slot with the newest sequence that
    /// still yields something. Nothing read this way is known to be intact: the caller says so, and a CAL's own
    /// signature and embedded HWID are the evidence. False when nothing could be read.
    /// </summary>
    /// <param name="image">The image's bytes.</param>
    /// <param name="flashGeometry">The geometry a partition image is read with.</param>
    /// <param name="format">Store file or flash partition, as the bytes suggest.</param>
    /// <param name="contents">What was read (HWID, fingerprint, the CALs before the first damaged one).</param>
    /// <param name="report">Where reading stopped and why, or why nothing could be read.</param>
    public static bool TrySalvage(ReadOnlySpan<byte> image, FlashGeometry flashGeometry, out LicenseStoreImageFormat format, out LicenseStoreContents contents, out string report)
    {
        ArgumentNullException.ThrowIfNull(flashGeometry);
        format = LicenseStoreImageFormat.FileStore;
        contents = LicenseStoreContents.Empty;
        if (image.Length == 0 || image.Length > MaxLength)
        {
            report = $"{image.Length} bytes: an image is 1 to {MaxLength} bytes";
            return false;
        }

        if (LooksLikeReg(image))
        {
            format = LicenseStoreImageFormat.Reg;
            if (!RegFile.TryRead(RegFile.Decode(image), out MemoryRegistry hive, out string regError))
            {
                report = $"not a .reg file: {regError}";
                return false;
            }

            var store = new RegistryLicenseStore(hive);
            contents = store.ReadContents();
            report = ".reg: " + string.Join("; ", store.Verify(environment: false).Findings.Where(f => f.Kind == StoreFindingKind.Corrupt).Select(f => $"{f.Record} skipped: {f.Detail}"));
            return !contents.IsEmpty;
        }

        // A partition is two equal slots of whole erase units, the second starting with an envelope or erased cells; a
        // store file is one envelope.
        long slotLength = image.Length / 2;
        bool partition = image.Length % (2L * flashGeometry.EraseUnit) == 0 && slotLength >= StoreEnvelope.HeaderLength
            && (image[(int)slotLength..].StartsWith(StoreEnvelope.Magic) || !image.Slice((int)slotLength, StoreEnvelope.HeaderLength).ContainsAnyExcept(flashGeometry.EraseValue));
        if (partition)
        {
            format = LicenseStoreImageFormat.FlashPartition;
            (StoreContent Content, uint Sequence, string Slot, string Stopped)? best = null;
            for (int slot = 0; slot < 2; slot++)
            {
                ReadOnlySpan<byte> region = image.Slice((int)(slot * slotLength), (int)slotLength);
                string name = $"slot {(char)('A' + slot)}";
                if (TrySalvageRegion(region, out uint sequence, out StoreContent found, out string why)
                    && (best is null || StoreEnvelope.IsNewer(sequence, best.Value.Sequence)))
                {
                    best = (found, sequence, name, why);
                }
            }

            if (best is { } chosen)
            {
                contents = LicenseStoreContents.From(chosen.Content);
                report = $"flash partition, {chosen.Slot} (sequence {chosen.Sequence}): {(chosen.Stopped.Length > 0 ? chosen.Stopped : "every record decoded (the damage is in the envelope)")}";
                return true;
            }
        }
        else if (TrySalvageRegion(image, out _, out StoreContent content, out string stopped))
        {
            contents = LicenseStoreContents.From(content);
            report = stopped.Length > 0 ? $"store file: {stopped}" : "store file: every record decoded (the damage is in the envelope)";
            return true;
        }

        report = "no envelope magic (TTLS) with a readable HWID record or CAL was found: nothing can be salvaged";
        return false;
    }

    private static bool TrySalvageRegion(ReadOnlySpan<byte> region, out uint sequence, out StoreContent content, out string stopped)
    {
        content = StoreContent.Empty;
        stopped = string.Empty;
        return StoreEnvelope.TrySalvagePayload(region, out sequence, out ReadOnlySpan<byte> payload)
            && StorePayload.TrySalvage(payload, out content, out stopped);
    }

    /// <summary>Reads the MSLicensing key of a .reg file as the registry store would.</summary>
    public static bool TryReadReg(ReadOnlySpan<byte> image, out LicenseStoreContents contents, out string error)
    {
        contents = LicenseStoreContents.Empty;
        if (!RegFile.TryRead(RegFile.Decode(image), out MemoryRegistry hive, out error))
        {
            return false;
        }

        if (!hive.KeyExists(RegistryLicenseStore.RootKey))
        {
            error = $"the .reg holds no [HKEY_LOCAL_MACHINE\\{RegistryLicenseStore.RootKey}]";
            return false;
        }

        // An import takes what it can see: an entry that fails its checks (a CAL too long to present, a value of the
        // wrong type, an entry left incomplete) is refused with its reason, not dropped without a word.
        var store = new RegistryLicenseStore(hive);
        StoreFinding[] damaged = store.Verify(environment: false).Findings.Where(f => f.Kind == StoreFindingKind.Corrupt).ToArray();
        if (damaged.Length > 0)
        {
            error = "the .reg holds records that fail their checks: " + string.Join("; ", damaged.Select(f => $"{f.Record}: {f.Detail}"));
            return false;
        }

        contents = store.ReadContents();
        return true;
    }

    private static bool LooksLikeReg(ReadOnlySpan<byte> image)
        => (image.Length >= 2 && image[0] == 0xFF && image[1] == 0xFE) || SkipBom(image).StartsWith("Windows Registry Editor"u8);

    private static bool LooksLikeJson(ReadOnlySpan<byte> image)
    {
        ReadOnlySpan<byte> text = SkipBom(image);
        int first = text.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && text[first] == (byte)'{';
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> image) => image.Length >= 3 && image[0] == 0xEF && image[1] == 0xBB && image[2] == 0xBF ? image[3..] : image;
}
