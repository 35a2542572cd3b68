using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic wipe [--cals-only] [--dry-run] [--yes] [--backup FILE | --no-backup]</c>: the supported form of "delete
/// the MSLicensing key" (TechNet, event 1003: delete MSLicensing on the client and reconnect). It says what it will
/// remove, asks, writes a backup of the raw store (the .reg, the flash slots, the store file) and reads it back before
/// touching anything, then removes the CALs and, unless --cals-only, the HWID: a new HWID is made at the next
/// connection, not before, so a golden image wiped before cloning carries none.
/// </summary>
internal static class WipeCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var command = new Command("wipe", "Remove the CALs and the HWID (a new HWID is made at the next connection), after a backup.");
        var store = new StoreArguments(command);
        var calsOnly = new Option<bool>("--cals-only") { Description = "Keep the HWID; remove only the CALs." };
        Option<bool> dryRun = StoreMaintenance.DryRunOption();
        Option<bool> yes = StoreMaintenance.YesOption();
        Option<string?> backupPath = StoreMaintenance.BackupOption();
        Option<bool> noBackup = StoreMaintenance.NoBackupOption();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        command.Options.Add(calsOnly);
        command.Options.Add(dryRun);
        command.Options.Add(yes);
        command.Options.Add(backupPath);
        command.Options.Add(noBackup);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Wipe");
            if (parseResult.GetValue(backupPath) is not null && parseResult.GetValue(noBackup))
            {
                await error.WriteLineAsync("--backup and --no-backup contradict each other").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (!store.TryOpen(parseResult, out StoreSelection? selection, out string message))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            bool onlyCals = parseResult.GetValue(calsOnly);
            LicenseStoreContents before;
            bool holdsAnything;
            try
            {
                before = opened.Store.ReadContents();
                holdsAnything = StoreMaintenance.HoldsAnything(opened, before);
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync($"the store {opened.Location} cannot be read: {exception.Message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            string what = onlyCals ? "the CALs" : "the CALs and the HWID";
            if (!holdsAnything || (onlyCals && before.Licenses.Count == 0 && before.HardwareId is not null))
            {
                HostApp.WriteFields(output, parseResult.GetValue(json), writer => Describe(writer, opened, "nothing to wipe", before, null, onlyCals, dryRun: false));
                return HostApp.ExitOk;
            }

            if (parseResult.GetValue(dryRun))
            {
                HostApp.WriteFields(output, parseResult.GetValue(json), writer => Describe(writer, opened, "dry run: nothing changed", before, null, onlyCals, dryRun: true));
                return HostApp.ExitOk;
            }

            if (!parseResult.GetValue(yes) && !StoreMaintenance.Confirm(input, error, $"Wipe {what} of {opened.Kind}:{opened.Location} ({before.Licenses.Count} CAL(s), HWID {StoreMaintenance.HashOf(before.HardwareId)})?"))
            {
                await error.WriteLineAsync("not confirmed: nothing was changed (--yes skips the question)").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            StoreBackup? backup = null;
            if (!parseResult.GetValue(noBackup) && !StoreMaintenance.TryWriteBackup(opened, parseResult.GetValue(backupPath), logger, out backup, out message))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            try
            {
                opened.Store.Wipe(onlyCals);
                opened.Complete();
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"the store {opened.Location} could not be wiped: {exception.Message}{(backup is null ? string.Empty : $"; the backup {backup.Path} is intact")}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            string newHash = onlyCals ? StoreMaintenance.HashOf(before.HardwareId) : "none until the next connection";
            HostLog.StoreWiped(logger, opened.Location, onlyCals ? "CALs" : "CALs and HWID", StoreMaintenance.HashOf(before.HardwareId), newHash, backup?.Path ?? "none");
            HostApp.WriteFields(output, parseResult.GetValue(json), writer => Describe(writer, opened, $"wiped {what}", before, backup, onlyCals, dryRun: false));
            return HostApp.ExitOk;
        });
        return command;
    }

    private static void Describe(IFieldWriter writer, StoreSelection store, string result, LicenseStoreContents before, StoreBackup? backup, bool calsOnly, bool dryRun)
    {
        writer.WriteString("store", $"{store.Kind}:{store.Location}");
        writer.WriteString("result", result);
        writer.WriteString(dryRun ? "wouldRemove" : "removed", result == "nothing to wipe" ? "nothing" : calsOnly ? "CALs" : "CALs and HWID");
        StoreMaintenance.DescribeContents(writer, "before", before, store.Device);
        writer.WriteString("hwidBefore", StoreMaintenance.HashOf(before.HardwareId));
        writer.WriteString("hwidAfter", calsOnly ? StoreMaintenance.HashOf(before.HardwareId) : "none (a new HWID is made at the next connection)");
        if (dryRun)
        {
            writer.WriteString("backupWouldGoTo", store.BackupDirectory);
        }
        else
        {
            StoreMaintenance.DescribeBackup(writer, backup);
        }
    }
}
