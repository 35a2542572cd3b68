using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic store verify | wipe</c>: what the store holds, record by record (corrupt records, a cloned image, the
/// MSLicensing ACL and UWF's PersistTSCAL), and the supported way to reset it: wipe everything (the equivalent of
/// deleting MSLicensing; a new HWID is made on the next exchange, not before) or only the CALs.
/// </summary>
internal static class StoreCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("store", "Inspect or wipe the license store.");
        command.Subcommands.Add(Verify(output, error));
        command.Subcommands.Add(Wipe(output, error));
        return command;
    }

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var command = new Command("verify", "Check every record of the store; exit 1 when one is corrupt or needs attention.");
        var storeArguments = new StoreArguments(command);
        var jsonOption = new Option<bool>("--json") { Description = "Print the result as JSON." };
        command.Options.Add(jsonOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // Verifying only looks: the medium is opened read-only and never created, extended or written.
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Store");
            if (!storeArguments.TryOpen(parseResult, readOnly: true, out StoreSelection? selection, out string message, logger))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            if (opened.Store is not IVerifiableLicenseStore verifiable)
            {
                await output.WriteLineAsync($"the {opened.Kind} store keeps nothing to verify").ConfigureAwait(false);
                return HostApp.ExitOk;
            }

            StoreVerification verification;
            try
            {
                verification = verifiable.Verify();
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync(StoreErrorText.Describe(opened, "cannot be read", exception)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            HostApp.WriteFields(output, parseResult.GetValue(jsonOption), writer => Describe(opened, verification, writer));

            return verification.IsHealthy ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    private static Command Wipe(TextWriter output, TextWriter error)
    {
        var command = new Command("wipe", "Remove every CAL and the HWID (a new HWID is made on the next exchange), or only the CALs.");
        var storeArguments = new StoreArguments(command);
        var licensesOnly = new Option<bool>("--licenses-only") { Description = "Keep the HWID; remove the CALs." };
        command.Options.Add(licensesOnly);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Store");
            if (!storeArguments.TryOpen(parseResult, readOnly: false, out StoreSelection? selection, out string message, logger))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            bool onlyLicenses = parseResult.GetValue(licensesOnly);
            try
            {
                opened.Store.Wipe(onlyLicenses);
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync(StoreErrorText.Describe(opened, "could not be wiped", exception)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            await output.WriteLineAsync($"wiped {(onlyLicenses ? "the CALs" : "the CALs and the HWID")} of {opened.Location}").ConfigureAwait(false);
            return HostApp.ExitOk;
        });
        return command;
    }

    private static void Describe(StoreSelection store, StoreVerification verification, IFieldWriter writer)
    {
        writer.WriteString("store", store.Kind);
        writer.WriteString("location", store.Location);
        writer.WriteBoolean("hwid", verification.Loaded.HardwareId is not null);
        writer.WriteNumber("licenses", verification.Loaded.Licenses.Count);
        StoreMaintenance.DescribeHealth(writer, verification, []);
    }
}
