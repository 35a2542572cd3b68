using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Crypto;
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
        var change = new StoreChangeArguments(command);
        var regenerate = new Option<bool>("--regenerate") { Description = "Make a new HWID now and remove the CALs issued to the old one (after a backup)." };
        command.Options.Add(regenerate);
        command.SetAction((parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Hwid");
            if (!change.TryOpenAndRead(parseResult, error, readOnly: !parseResult.GetValue(regenerate) || change.DryRun(parseResult), logger, out StoreSelection? selection, out LicenseStoreContents before))
            {
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            using StoreSelection opened = selection!;
            bool json = change.Json(parseResult);
            if (!parseResult.GetValue(regenerate))
            {
                HostApp.WriteFields(output, json, writer => Describe(writer, opened, before, before.HardwareId, null, "shown"));
                // A HWID made on another device is one this device will not use: a problem worth an exit code.
                return Task.FromResult(before.IsCloneOn(opened.Device) ? HostApp.ExitProblem : HostApp.ExitOk);
            }

            // Keep the PlatformId the HWID had (the OS and ISV it names), else the profile's.
            uint platformId = before.HardwareId?.PlatformId ?? opened.PlatformId;
            if (change.DryRun(parseResult))
            {
                HostApp.WriteFields(output, json, writer => Describe(writer, opened, before, null, null, $"dry run: nothing changed; a new HWID would replace {StoreMaintenance.HashOf(before.HardwareId)} and {before.Licenses.Count} CAL(s) would be removed"));
                return Task.FromResult(HostApp.ExitOk);
            }

            string question = $"Replace the HWID {StoreMaintenance.HashOf(before.HardwareId)} of {opened.Kind}:{opened.Location} and remove its {before.Licenses.Count} CAL(s)?";
            if (!change.TryConfirmAndBackUp(parseResult, opened, input, error, question, backUp: true, logger, out StoreBackup? backup))
            {
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            ClientHardwareId fresh = HardwareIdGenerator.Create(platformId, SystemRandomSource.Instance);
            try
            {
                opened.Store.ReplaceContents(new LicenseStoreContents(fresh, opened.Device, []));
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(StoreChangeArguments.Failed(opened, "changed", exception, backup));
                return Task.FromResult(HostApp.ExitCannotRun);
            }

            HostLog.HwidCommandRegenerated(logger, opened.Location, StoreMaintenance.HashOf(before.HardwareId), StoreMaintenance.HashOf(fresh), before.Licenses.Count, backup?.Path ?? "none");
            HostApp.WriteFields(output, json, writer => Describe(writer, opened, before, fresh, backup, $"regenerated; {before.Licenses.Count} CAL(s) removed"));
            return Task.FromResult(HostApp.ExitOk);
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
