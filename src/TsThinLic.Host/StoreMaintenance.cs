using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>A backup written before a store was changed: where, how big, in which form, and whether import can restore it.</summary>
internal sealed record StoreBackup(string Path, int Length, LicenseStoreImageFormat Format, bool Restorable, string Note);

/// <summary>
/// What the commands that change a store (wipe, hwid --regenerate, import) share: the question before anything is
/// touched, the backup written and read back before anything is touched, and the words for what a store holds.
/// </summary>
internal static class StoreMaintenance
{
    /// <summary>A HWID as logs and output name it: its short hash, never the value.</summary>
    public static string HashOf(ClientHardwareId? hardwareId) => hardwareId is { } id ? HardwareIdFingerprint.Compute(id.ToArray()) : "none";

    /// <summary>Asks on <paramref name="error"/> (stdout stays clean for --json) and reads one line; only y or yes agrees.</summary>
    public static bool Confirm(TextReader input, TextWriter error, string question)
    {
        error.Write($"{question} [y/N] ");
        error.Flush();
        string? answer = input.ReadLine();
        error.WriteLine();
        return answer is not null && (answer.Trim().Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Writes the store's raw image (the store file, both flash slots, the .reg of MSLicensing; JSON for memory) to
    /// <paramref name="path"/> or a timestamped file, durably, then reads it back and checks it is byte-identical and
    /// says whether it can be imported. Null with nothing written when the medium holds nothing.
    /// </summary>
    public static bool TryWriteBackup(StoreSelection store, string? path, ILogger logger, out StoreBackup? backup, out string error)
    {
        backup = null;
        error = string.Empty;
        byte[]? image;
        try
        {
            image = store.ReadImage();
        }
        catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
        {
            error = $"the store {store.Location} cannot be read for a backup: {OsErrorText.Explain(exception)}";
            return false;
        }

        if (image is null || !IsOnMedium(store, image))
        {
            return true;
        }

        string extension = store.ImageFormat switch
        {
            LicenseStoreImageFormat.Reg => ".reg",
            LicenseStoreImageFormat.FileStore => ".store",
            LicenseStoreImageFormat.FlashPartition => ".bin",
            _ => ".json",
        };
        string target = Path.GetFullPath(path ?? Path.Combine(store.BackupDirectory, $"tsthinlic-{store.Kind}-{TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}{extension}"));
        try
        {
            if (File.Exists(target))
            {
                error = $"the backup file {target} exists already; nothing was changed";
                return false;
            }

            DurableFile.Write(target, image);
            byte[] written = RegularFile.ReadAll(target, image.Length);
            if (!written.AsSpan().SequenceEqual(image))
            {
                error = $"the backup {target} did not read back as written; nothing was changed";
                return false;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or LicenseStoreException)
        {
            error = $"the backup {target} could not be written ({OsErrorText.Explain(exception)}); nothing was changed";
            return false;
        }

        bool restorable = LicenseStoreImage.TryRead(image, store.Geometry, out _, out _, out string reason);
        backup = new StoreBackup(target, image.Length, store.ImageFormat, restorable, restorable ? $"restore with: tsthinlic import {target}" : $"kept for the record; it cannot be imported ({reason})");
        HostLog.BackupWritten(logger, store.Location, target, image.Length, store.ImageFormat.ToString());
        return true;
    }

    public static void DescribeBackup(IFieldWriter writer, StoreBackup? backup)
    {
        if (backup is null)
        {
            writer.WriteString("backup", string.Empty);
            return;
        }

        writer.StartObject("backup");
        writer.WriteString("path", backup.Path);
        writer.WriteNumber("length", backup.Length);
        writer.WriteString("format", backup.Format.ToString());
        writer.WriteBoolean("restorable", backup.Restorable);
        writer.WriteString("note", backup.Note);
        writer.EndObject();
    }

    /// <summary>
    /// The store's health as <c>show</c>, <c>license</c> and <c>store verify</c> report it: whether it is healthy,
    /// every finding (a damaged record, a cloned image, a missing or short image), the damaged images kept in its
    /// quarantine (newest first), and those this run kept (<paramref name="keptNow"/>).
    /// </summary>
    public static void DescribeHealth(IFieldWriter writer, StoreVerification? verification, IReadOnlyList<QuarantinedImage> keptNow)
    {
        if (verification is not null)
        {
            writer.WriteBoolean("healthy", verification.IsHealthy);
            writer.StartArray("findings");
            foreach (StoreFinding finding in verification.Findings)
            {
                writer.StartObjectElement();
                writer.WriteString("record", finding.Record);
                writer.WriteString("kind", finding.Kind.ToString());
                writer.WriteString("detail", finding.Detail);
                writer.EndObject();
            }

            writer.EndArray();
            DescribeQuarantined(writer, "quarantined", verification.Quarantined);
        }

        if (keptNow.Count > 0)
        {
            DescribeQuarantined(writer, "quarantinedNow", keptNow);
        }
    }

    private static void DescribeQuarantined(IFieldWriter writer, string name, IReadOnlyList<QuarantinedImage> images)
    {
        writer.StartArray(name);
        foreach (QuarantinedImage image in images)
        {
            writer.StartObjectElement();
            writer.WriteString("path", image.Path);
            writer.WriteString("time", image.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("reason", image.Reason);
            writer.WriteNumber("length", image.Length);
            writer.WriteString("readWith", $"tsthinlic show --image {image.Path}");
            writer.EndObject();
        }

        writer.EndArray();
    }

    /// <summary>What a store holds, in a field engineer's words: the HWID's hash and whose it is, and each CAL in short.</summary>
    public static void DescribeContents(IFieldWriter writer, string name, LicenseStoreContents contents, DeviceFingerprint device)
    {
        writer.StartObject(name);
        writer.WriteString("hwid", HashOf(contents.HardwareId));
        writer.WriteString("hwidMadeOn", contents.HardwareId is null ? string.Empty : contents.Fingerprint is null ? "unknown" : contents.IsCloneOn(device) ? "another device" : "this device");
        writer.StartArray("licenses");
        foreach (StoredLicense license in contents.Licenses)
        {
            writer.StartObjectElement();
            writer.WriteString("storeKey", license.Key.ToString());
            if (ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out ClientAccessLicense? cal, out _))
            {
                writer.WriteString("licenseId", cal.LicenseId ?? string.Empty);
                writer.WriteBoolean("temporary", cal.IsTemporary);
                writer.WriteString("expiresOn", cal.Leaf.NotAfter?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty);
            }
            else
            {
                writer.WriteString("licenseId", "(not a decodable CAL)");
            }

            writer.WriteNumber("length", license.LicenseInfo.Length);
            writer.EndObject();
        }

        writer.EndArray();
        writer.EndObject();
    }

    /// <summary>
    /// Whether the store holds anything a wipe would remove: CALs or a HWID, or records that failed their checks (the
    /// raw medium is not empty: a store file or its previous generation, a programmed flash cell, the MSLicensing key).
    /// </summary>
    public static bool HoldsAnything(StoreSelection store, LicenseStoreContents contents)
        => !contents.IsEmpty || (store.ImageFormat != LicenseStoreImageFormat.Json && IsOnMedium(store, store.ReadImage()));

    // A raw image that holds something: not absent, and for flash not all erased cells.
    private static bool IsOnMedium(StoreSelection store, byte[]? image)
        => image is { Length: > 0 } && (store.ImageFormat != LicenseStoreImageFormat.FlashPartition || image.AsSpan().ContainsAnyExcept(store.Geometry.EraseValue));
}

/// <summary>
/// The options of a command that changes a store (the store, --dry-run, --yes, --backup, --no-backup, --json) and the
/// steps every such command takes in the same order: read what the store holds, ask, back up.
/// </summary>
internal sealed class StoreChangeArguments
{
    private readonly StoreArguments _store;
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Say what would be done; change nothing and write no backup." };
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do not ask for confirmation." };
    private readonly Option<string?> _backup = new("--backup") { Description = "Write the backup to FILE (default: a timestamped file in a backups directory beside the store)." };
    private readonly Option<bool> _noBackup = new("--no-backup") { Description = "Do not write a backup first." };
    private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON." };

    public StoreChangeArguments(Command command)
    {
        _store = new StoreArguments(command);
        command.Options.Add(_dryRun);
        command.Options.Add(_yes);
        command.Options.Add(_backup);
        command.Options.Add(_noBackup);
        command.Options.Add(_json);
    }

    public bool DryRun(ParseResult parseResult) => parseResult.GetValue(_dryRun);

    public bool Json(ParseResult parseResult) => parseResult.GetValue(_json);

    /// <summary>
    /// Opens the store (<paramref name="readOnly"/> for a command that only looks) and reads what it holds; false (the
    /// reason written to <paramref name="error"/>) when it cannot.
    /// </summary>
    public bool TryOpenAndRead(ParseResult parseResult, TextWriter error, bool readOnly, ILogger logger, out StoreSelection? selection, out LicenseStoreContents contents)
    {
        contents = LicenseStoreContents.Empty;
        if (parseResult.GetValue(_backup) is not null && parseResult.GetValue(_noBackup))
        {
            error.WriteLine("--backup and --no-backup contradict each other");
            selection = null;
            return false;
        }

        if (!_store.TryOpen(parseResult, readOnly, out selection, out string message, logger))
        {
            error.WriteLine(message);
            return false;
        }

        try
        {
            contents = selection!.Store.ReadContents();
            return true;
        }
        catch (LicenseStoreException exception)
        {
            error.WriteLine(StoreErrorText.Describe(selection!, "cannot be read", exception));
            selection!.Dispose();
            selection = null;
            return false;
        }
    }

    /// <summary>
    /// Asks <paramref name="question"/> unless --yes, then writes the backup unless --no-backup (or
    /// <paramref name="backUp"/> is false: nothing there to keep). False, with the reason written, when the change must
    /// not go ahead: nothing has been changed then.
    /// </summary>
    public bool TryConfirmAndBackUp(ParseResult parseResult, StoreSelection store, TextReader input, TextWriter error, string question, bool backUp, ILogger logger, out StoreBackup? backup)
    {
        backup = null;
        if (!parseResult.GetValue(_yes) && !StoreMaintenance.Confirm(input, error, question))
        {
            error.WriteLine("not confirmed: nothing was changed (--yes skips the question)");
            return false;
        }

        if (backUp && !parseResult.GetValue(_noBackup) && !StoreMaintenance.TryWriteBackup(store, parseResult.GetValue(_backup), logger, out backup, out string message))
        {
            error.WriteLine(message);
            return false;
        }

        return true;
    }

    /// <summary>The message when the change itself failed after the backup was written.</summary>
    public static string Failed(StoreSelection store, string what, Exception exception, StoreBackup? backup)
        => $"the store {store.Location} could not be {what}: {OsErrorText.Explain(exception)}{(backup is null ? string.Empty : $"; the backup {backup.Path} is intact")}";
}
