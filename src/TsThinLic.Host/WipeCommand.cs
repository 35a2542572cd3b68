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
        var change = new StoreChangeArguments(command);
        var calsOnly = new Option<bool>("--cals-only") { Description = "Keep the HWID; remove only the CALs." };
        command.Options.Add(calsOnly);
        command.SetAction((parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Wipe");
            if (!change.TryOpenAndRead(parseResult, error, readOnly: change.DryRun(parseResult), logger, out StoreSelection? selection, out LicenseStoreContents before))
            {
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            using StoreSelection opened = selection!;
            bool onlyCals = parseResult.GetValue(calsOnly);
            bool json = change.Json(parseResult);
            string what = onlyCals ? "the CALs" : "the CALs and the HWID";
            if (!StoreMaintenance.HoldsAnything(opened, before) || (onlyCals && before.Licenses.Count == 0 && before.HardwareId is not null))
            {
                HostApp.WriteFields(output, json, writer => Describe(writer, opened, "nothing to wipe", before, null, onlyCals, dryRun: false));
                return Task.FromResult(HostApp.ExitOk);
            }

            if (change.DryRun(parseResult))
            {
                HostApp.WriteFields(output, json, writer => Describe(writer, opened, "dry run: nothing changed", before, null, onlyCals, dryRun: true));
                return Task.FromResult(HostApp.ExitOk);
            }

            string question = $"Wipe {what} of {opened.Kind}:{opened.Location} ({before.Licenses.Count} CAL(s), HWID {StoreMaintenance.HashOf(before.HardwareId)})?";
            if (!change.TryConfirmAndBackUp(parseResult, opened, input, error, question, backUp: true, logger, out StoreBackup? backup))
            {
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            try
            {
                opened.Store.Wipe(onlyCals);
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(StoreChangeArguments.Failed(opened, "wiped", exception, backup));
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            string newHash = onlyCals ? StoreMaintenance.HashOf(before.HardwareId) : "none until the next connection";
            HostLog.WipeCommandCompleted(logger, opened.Location, onlyCals ? "CALs" : "CALs and HWID", StoreMaintenance.HashOf(before.HardwareId), newHash, backup?.Path ?? "none");
            HostApp.WriteFields(output, json, writer => Describe(writer, opened, $"wiped {what}", before, backup, onlyCals, dryRun: false));
            return Task.FromResult(HostApp.ExitOk);
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
