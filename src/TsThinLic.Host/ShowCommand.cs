using System.CommandLine;
using TsThinLic.Diagnostics;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic show [--store …|--profile …|--reg FILE] [--json]</c>: the TSCTST view of the device. The HWID, and for
/// every stored CAL its license ID and what it means, temporary or permanent, issuer and scope, issued-to machine and
/// user, validity with days left, the HWID in the CAL and whether it is this device's, and its store key. Reading
/// never creates a HWID.
/// </summary>
internal static class ShowCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("show", "Show the HWID and every stored CAL, decoded (what TSCTST showed).");
        var storeArguments = new StoreArguments(command);
        command.Options.Add(jsonOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!storeArguments.TryOpen(parseResult, out StoreSelection? selection, out string message))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            LicenseStoreSnapshot snapshot;
            try
            {
                snapshot = opened.Store.Load();
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync($"the store {opened.Location} cannot be read: {exception.Message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            DateTimeOffset now = TimeProvider.System.GetUtcNow();
            HostApp.WriteFields(output, parseResult.GetValue(jsonOption), writer => StoreView.Describe($"{opened.Kind}:{opened.Location}", snapshot, now, writer));

            return HostApp.ExitOk;
        });
        return command;
    }
}
