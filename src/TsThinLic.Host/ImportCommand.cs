using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Cal;
using TsThinLic.Diagnostics;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic import FILE [--adopt] [--yes] [--backup FILE | --no-backup] [--dry-run]</c>: replaces the store with what
/// FILE holds. FILE may be an export (JSON or .reg) or a wipe backup (store file, flash partition, .reg); the kind is
/// read from the bytes. A backup of this store's own kind goes back byte for byte; anything else goes in through the
/// store's atomic commit with every HWID, fingerprint and CAL byte kept. A HWID made on another device stays bound to
/// it (this device will not use it) unless --adopt binds it here: moving a HWID makes two devices present one.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var command = new Command("import", "Replace the store with FILE (an export or a wipe backup), after a backup of what it holds now.");
        var file = new Argument<string>("FILE") { Description = "A JSON export, a .reg of MSLicensing, a store file or a flash partition image." };
        var change = new StoreChangeArguments(command);
        var adopt = new Option<bool>("--adopt") { Description = "Bind the imported HWID to this device (moving it from another one)." };
        command.Arguments.Add(file);
        command.Options.Add(adopt);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Import");
            string path = Path.GetFullPath(parseResult.GetValue(file)!);
            if (!change.TryOpenAndRead(parseResult, error, out StoreSelection? selection, out LicenseStoreContents before))
            {
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            byte[] image;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || info.Length > LicenseStoreImage.MaxLength)
                {
                    await error.WriteLineAsync(info.Exists ? $"{path} is {info.Length} bytes, over the {LicenseStoreImage.MaxLength}-byte limit of a store image" : $"{path} does not exist").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                image = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"cannot read {path}: {exception.Message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (!LicenseStoreImage.TryRead(image, opened.Geometry, out LicenseStoreImageFormat format, out LicenseStoreContents imported, out string message))
            {
                await error.WriteLineAsync($"{path} cannot be imported: {message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            bool adopting = parseResult.GetValue(adopt) && imported.HardwareId is not null;
            LicenseStoreContents target = adopting ? new LicenseStoreContents(imported.HardwareId, opened.Device, imported.Licenses) : imported;
            // The raw form of this store's own kind goes back as it was; the rest through the store's own commit.
            bool raw = format == opened.ImageFormat && !adopting;
            var warnings = new List<string>();
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

                opened.Complete();
                after = opened.Store.ReadContents();
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(StoreChangeArguments.Failed(opened, "replaced", exception, backup)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            HostLog.ImportCommandCompleted(logger, opened.Location, path, format.ToString(), raw ? "raw" : "contents", StoreMaintenance.HashOf(before.HardwareId), StoreMaintenance.HashOf(after.HardwareId), after.Licenses.Count, backup?.Path ?? "none");
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

    private static void Describe(IFieldWriter writer, StoreSelection store, string path, LicenseStoreImageFormat format, string result, string how, LicenseStoreContents before, LicenseStoreContents after, StoreBackup? backup, List<string> warnings)
    {
        writer.WriteString("store", $"{store.Kind}:{store.Location}");
        writer.WriteString("file", path);
        writer.WriteString("format", format.ToString());
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
