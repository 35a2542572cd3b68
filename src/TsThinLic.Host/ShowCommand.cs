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
    /// <summary>
    /// For a FreeRDP or rdesktop store, each .cal file: the host name it belongs to, the HWID that client derives from
    /// that name and whether the CAL was issued to it; and the leftovers of interrupted writes.
    /// </summary>
    internal static void DescribeClientFiles(ClientCalDirectory directory, IFieldWriter writer)
    {
        (IReadOnlyList<ClientCalFile> files, IReadOnlyList<string> leftovers) = directory.Read();
        writer.StartArray("clientFiles");
        foreach (ClientCalFile file in files)
        {
            writer.StartObjectElement();
            writer.WriteString("file", file.FileName);
            writer.WriteString("client", directory.Kind);
            writer.WriteString("hostName", file.HostName ?? string.Empty);
            if (file.DecodeError is { } problem)
            {
                writer.WriteString("decodeError", problem);
            }

            if (file.Cal?.HardwareId is { } calHardwareId)
            {
                writer.WriteString("calHwidFingerprint", Crypto.HardwareIdFingerprint.Compute(calHardwareId.ToArray()));
            }

            if (file.HostName is { } host)
            {
                Pdu.ClientHardwareId recipe = directory.Recipe(host);
                writer.WriteString("recipeHwidFingerprint", Crypto.HardwareIdFingerprint.Compute(recipe.ToArray()));
                writer.WriteBoolean("hwidMatchesRecipe", file.Cal?.HardwareId == recipe);
            }

            writer.EndObject();
        }

        writer.EndArray();
        writer.StartArray("leftovers");
        foreach (string leftover in leftovers)
        {
            writer.WriteStringElement(leftover);
        }

        writer.EndArray();
    }

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
            HostApp.WriteFields(output, parseResult.GetValue(jsonOption), writer =>
            {
                StoreView.Describe($"{opened.Kind}:{opened.Location}", snapshot, now, writer);
                if (opened.Store is ClientCalStore client)
                {
                    DescribeClientFiles(client.Directory, writer);
                }
            });

            return HostApp.ExitOk;
        });
        return command;
    }
}
