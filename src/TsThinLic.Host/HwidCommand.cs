using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic hwid [--regenerate]</c>: the client's HWID ([MS-RDPELE 2.2.2.3.1]) and whether it was made on this
/// device; with --regenerate, a new one now (after the question and a backup, as wipe does). The CALs go with the old
/// HWID: each was issued to it (its certificate carries it), so a server would refuse them beside a new one.
/// </summary>
internal static class HwidCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var command = new Command("hwid", "Show the HWID, or make a new one (--regenerate; the CALs issued to the old one are removed).");
        var store = new StoreArguments(command);
        var regenerate = new Option<bool>("--regenerate") { Description = "Make a new HWID now and remove the CALs issued to the old one (after a backup)." };
        Option<bool> dryRun = StoreMaintenance.DryRunOption();
        Option<bool> yes = StoreMaintenance.YesOption();
        Option<string?> backupPath = StoreMaintenance.BackupOption();
        Option<bool> noBackup = StoreMaintenance.NoBackupOption();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        command.Options.Add(regenerate);
        command.Options.Add(dryRun);
        command.Options.Add(yes);
        command.Options.Add(backupPath);
        command.Options.Add(noBackup);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Hwid");
            if (!store.TryOpen(parseResult, out StoreSelection? selection, out string message))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            LicenseStoreContents before;
            try
            {
                before = opened.Store.ReadContents();
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync($"the store {opened.Location} cannot be read: {exception.Message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            bool asJson = parseResult.GetValue(json);
            if (!parseResult.GetValue(regenerate))
            {
                HostApp.WriteFields(output, asJson, writer => Describe(writer, opened, before, before.HardwareId, null, "shown"));
                // A HWID made on another device is one this device will not use: a problem worth an exit code.
                return before.IsCloneOn(opened.Device) ? HostApp.ExitProblem : HostApp.ExitOk;
            }

            // Keep the PlatformId the HWID had (the OS and ISV it names), else the profile's.
            uint platformId = before.HardwareId?.PlatformId ?? opened.PlatformId;
            if (parseResult.GetValue(dryRun))
            {
                HostApp.WriteFields(output, asJson, writer => Describe(writer, opened, before, null, null, $"dry run: nothing changed; a new HWID would replace {StoreMaintenance.HashOf(before.HardwareId)} and {before.Licenses.Count} CAL(s) would be removed"));
                return HostApp.ExitOk;
            }

            if (!parseResult.GetValue(yes) && !StoreMaintenance.Confirm(input, error, $"Replace the HWID {StoreMaintenance.HashOf(before.HardwareId)} of {opened.Kind}:{opened.Location} and remove its {before.Licenses.Count} CAL(s)?"))
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

            ClientHardwareId fresh = HardwareIdGenerator.Create(platformId, SystemRandomSource.Instance);
            try
            {
                opened.Store.ReplaceContents(new LicenseStoreContents(fresh, opened.Device, []));
                opened.Complete();
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"the store {opened.Location} could not be changed: {exception.Message}{(backup is null ? string.Empty : $"; the backup {backup.Path} is intact")}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            HostLog.HardwareIdRegenerated(logger, opened.Location, StoreMaintenance.HashOf(before.HardwareId), StoreMaintenance.HashOf(fresh), before.Licenses.Count, backup?.Path ?? "none");
            HostApp.WriteFields(output, asJson, writer => Describe(writer, opened, before, fresh, backup, $"regenerated; {before.Licenses.Count} CAL(s) removed"));
            return HostApp.ExitOk;
        });
        return command;
    }

    private static void Describe(IFieldWriter writer, StoreSelection store, LicenseStoreContents before, ClientHardwareId? now, StoreBackup? backup, string result)
    {
        writer.WriteString("store", $"{store.Kind}:{store.Location}");
        writer.WriteString("result", result);
        ClientHardwareId? shown = now ?? before.HardwareId;
        writer.WriteString("hwid", shown?.ToString() ?? string.Empty);
        writer.WriteString("hwidFingerprint", StoreMaintenance.HashOf(shown));
        writer.WriteString("platformId", shown is { } id ? $"0x{id.PlatformId:x8}" : string.Empty);
        bool regenerated = now is not null && now != before.HardwareId;
        writer.WriteString("madeOn", shown is null ? "no HWID yet (one is made at the next connection)"
            : regenerated ? "this device"
            : before.Fingerprint is null ? "unknown (no device fingerprint stored)"
            : before.IsCloneOn(store.Device) ? "another device: a cloned image; this device makes its own at the next connection (tsthinlic wipe clears it)"
            : "this device");
        if (regenerated)
        {
            writer.WriteString("previousHwidFingerprint", StoreMaintenance.HashOf(before.HardwareId));
            writer.WriteNumber("removedLicenses", before.Licenses.Count);
            StoreMaintenance.DescribeBackup(writer, backup);
        }
        else
        {
            writer.WriteNumber("licenses", before.Licenses.Count);
        }
    }
}
