using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Cal;
using TsThinLic.Diagnostics;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic import FILE [--adopt] [--yes] [--backup FILE | --no-backup] [--dry-run]</c>: replaces the store with what
/// FILE holds. FILE may be an export (JSON or .reg), a wipe backup (store file, flash partition, .reg), a single CAL
/// (a FreeRDP or rdesktop .cal file), or another client's store named freerdp[:DIR] or rdesktop[:DIR]; the kind is
/// read from the bytes. A backup of this store's own kind goes back byte for byte; anything else goes in through the
/// store's atomic commit with every HWID, fingerprint and CAL byte kept. A HWID made on another device stays bound to
/// it (this device will not use it) unless --adopt binds it here: moving a HWID makes two devices present one. A
/// damaged image (a quarantined copy) is refused unless --salvage asks for what it still holds, which then goes in
/// through the store's commit with a warning.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var command = new Command("import", "Replace the store with FILE (an export or a wipe backup), after a backup of what it holds now.");
        var file = new Argument<string>("FILE") { Description = "A JSON export, a .reg of MSLicensing, a store file, a flash partition image, a .cal file, or freerdp[:DIR] / rdesktop[:DIR]." };
        var change = new StoreChangeArguments(command);
        var adopt = new Option<bool>("--adopt") { Description = "Bind the imported HWID to this device (moving it from another one)." };
        var salvage = new Option<bool>("--salvage") { Description = "FILE is a damaged store image (a quarantined copy): import the HWID and the CALs it still holds." };
        command.Arguments.Add(file);
        command.Options.Add(adopt);
        command.Options.Add(salvage);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Import");
            string source = parseResult.GetValue(file)!;
            bool clientStore = source.StartsWith("freerdp", StringComparison.OrdinalIgnoreCase) || source.StartsWith("rdesktop", StringComparison.OrdinalIgnoreCase);
            string path = clientStore ? source : Path.GetFullPath(source);
            if (!change.TryOpenAndRead(parseResult, error, readOnly: change.DryRun(parseResult), logger, out StoreSelection? selection, out LicenseStoreContents before))
            {
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            byte[] image = [];
            string format;
            LicenseStoreImageFormat? imageFormat = null;
            LicenseStoreContents imported;
            var warnings = new List<string>();
            if (clientStore)
            {
                // Another client's CAL directory: its CALs, with the HWID that client derives from the host name.
                if (!StoreSelection.TryResolve(source, null, out StoreTarget? sourceTarget, out string sourceError) || !StoreSelection.TryOpen(sourceTarget!, readOnly: true, out StoreSelection? sourceStore, out sourceError))
                {
                    await error.WriteLineAsync($"{source} cannot be imported: {sourceError}").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                using StoreSelection clientSource = sourceStore!;
                try
                {
                    imported = clientSource.Store.ReadContents();
                }
                catch (LicenseStoreException exception)
                {
                    await error.WriteLineAsync($"{source} cannot be imported: {exception.Message}").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                path = $"{clientSource.Kind}:{clientSource.Location}";
                format = clientSource.Kind;
            }
            else
            {
                try
                {
                    // Only a regular file, at most a store image's limit counted as read (never the size a FIFO or a device reports).
                    image = RegularFile.ReadAll(path, LicenseStoreImage.MaxLength);
                }
                catch (FileFaultException fault)
                {
                    await error.WriteLineAsync(fault.IsNotFound ? $"{path} does not exist" : fault.Message).ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                if (LicenseStoreImage.TryRead(image, opened.Geometry, out LicenseStoreImageFormat read, out imported, out string message))
                {
                    imageFormat = read;
                    format = read.ToString();
                }
                else if (TryReadCal(path, image, out imported))
                {
                    format = "cal";
                }
                else
                {
                    if (!parseResult.GetValue(salvage))
                    {
                        await error.WriteLineAsync($"{path} cannot be imported: {message}; if it is a damaged store image (a quarantined copy), --salvage imports what it still holds").ConfigureAwait(false);
                        return HostApp.ExitCannotRun;
                    }

                    if (!LicenseStoreImage.TrySalvage(image, opened.Geometry, out read, out imported, out string salvaged))
                    {
                        await error.WriteLineAsync($"{path} cannot be imported: {message}; nothing can be salvaged from it: {salvaged}").ConfigureAwait(false);
                        return HostApp.ExitCannotRun;
                    }

                    warnings.Add($"salvaged from a damaged image ({message}): {salvaged}; nothing read this way is known to be intact");
                    imageFormat = read;
                    format = read.ToString();
                }
            }

            bool adopting = parseResult.GetValue(adopt) && imported.HardwareId is not null;
            LicenseStoreContents target = adopting ? new LicenseStoreContents(imported.HardwareId, opened.Device, imported.Licenses) : imported;
            // The raw form of this store's own kind goes back as it was; the rest through the store's own commit.
            bool raw = imageFormat == opened.ImageFormat && !adopting && warnings.Count == 0;
            if (target.IsCloneOn(opened.Device))
            {
                warnings.Add("the HWID was made on another device: this device will not use it (and makes its own at the next connection) unless imported with --adopt");
            }

            foreach (StoredLicense license in target.Licenses)
            {
                if (ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out ClientAccessLicense? cal, out _) && cal.HardwareId is { } calHwid && calHwid != target.HardwareId)
                {
                    warnings.Add($"the CAL {license.Key} was issued to HWID {StoreMaintenance.HashOf(calHwid)}, not to {StoreMaintenance.HashOf(target.HardwareId)}: a server refuses it (event 1003/1004)");
                }
            }

            bool asJson = change.Json(parseResult);
            string how = raw ? "byte for byte (the store's own image)" : "contents (HWID, fingerprint and CALs kept; the store's commit)";
            if (change.DryRun(parseResult))
            {
                HostApp.WriteFields(output, asJson, writer => Describe(writer, opened, path, format, "dry run: nothing changed", how, before, target, null, warnings));
                return HostApp.ExitOk;
            }

            bool replacing = StoreMaintenance.HoldsAnything(opened, before);
            string question = $"Replace {opened.Kind}:{opened.Location} ({before.Licenses.Count} CAL(s), HWID {StoreMaintenance.HashOf(before.HardwareId)}) with {path} ({target.Licenses.Count} CAL(s), HWID {StoreMaintenance.HashOf(target.HardwareId)})?";
            StoreBackup? backup = null;
            if (replacing && !change.TryConfirmAndBackUp(parseResult, opened, input, error, question, backUp: true, logger, out backup))
            {
                return HostApp.ExitCannotRun;
            }

            LicenseStoreContents after;
            try
            {
                if (raw)
                {
                    opened.RestoreImage(image);
                }
                else
                {
                    opened.Store.ReplaceContents(target);
                }

                after = opened.Store.ReadContents();
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(StoreChangeArguments.Failed(opened, "replaced", exception, backup)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            HostLog.ImportCommandCompleted(logger, opened.Location, path, format, raw ? "raw" : "contents", StoreMaintenance.HashOf(before.HardwareId), StoreMaintenance.HashOf(after.HardwareId), after.Licenses.Count, backup?.Path ?? "none");
            bool intact = after.ContentEquals(target);
            if (!intact)
            {
                warnings.Add("the store reads back differently from the file: check it with tsthinlic store verify");
            }

            HostApp.WriteFields(output, asJson, writer => Describe(writer, opened, path, format, intact ? "imported" : "imported, but it reads back differently", how, before, after, backup, warnings));
            return intact ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    /// <summary>
    /// FILE as one CAL, as FreeRDP and rdesktop keep them (a .cal file): its HWID and its key come from its own fields.
    /// </summary>
    private static bool TryReadCal(string path, byte[] image, out LicenseStoreContents imported)
    {
        imported = LicenseStoreContents.Empty;
        if (!ClientAccessLicense.TryDecode(image, out ClientAccessLicense? cal, out _) || cal.IssuedToMachine is null)
        {
            return false;
        }

        var file = new ClientCalFile(Path.GetFileName(path), path, image, cal, null, cal.IssuedToMachine, File.GetLastWriteTimeUtc(path));
        imported = new LicenseStoreContents(cal.HardwareId, null, [new StoredLicense(file.Key!.Value, image, file.StoredAt)]);
        return true;
    }

    private static void Describe(IFieldWriter writer, StoreSelection store, string path, string format, string result, string how, LicenseStoreContents before, LicenseStoreContents after, StoreBackup? backup, List<string> warnings)
    {
        writer.WriteString("store", $"{store.Kind}:{store.Location}");
        writer.WriteString("file", path);
        writer.WriteString("format", format);
        writer.WriteString("result", result);
        writer.WriteString("restoredAs", how);
        StoreMaintenance.DescribeContents(writer, "before", before, store.Device);
        StoreMaintenance.DescribeContents(writer, "after", after, store.Device);
        StoreMaintenance.DescribeBackup(writer, backup);
        writer.StartArray("warnings");
        foreach (string warning in warnings)
        {
            writer.WriteStringElement(warning);
        }

        writer.EndArray();
    }
}
