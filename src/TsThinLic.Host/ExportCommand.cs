using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic export FILE [--format json|reg]</c>: the store's HWID and CALs in a portable file: JSON
/// (<see cref="LicenseStoreJson"/>, everything the store keeps) or a regedit .reg of MSLicensing that Windows' own
/// client reads after <c>reg import</c> (the techgenix article's way of moving CALs between clients).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("export", "Write the HWID and every CAL to FILE (portable JSON, or .reg).");
        var file = new Argument<string>("FILE") { Description = "The file to write; .reg gives a regedit file, anything else JSON." };
        var store = new StoreArguments(command);
        var format = new Option<string?>("--format") { Description = "json or reg (default: from FILE's extension)." };
        format.AcceptOnlyFromAmong("json", "reg");
        var force = new Option<bool>("--force") { Description = "Overwrite FILE when it exists." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.Options.Add(force);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Export");
            string path = Path.GetFullPath(parseResult.GetValue(file)!);
            bool asReg = (parseResult.GetValue(format) ?? (path.EndsWith(".reg", StringComparison.OrdinalIgnoreCase) ? "reg" : "json")) == "reg";
            if (File.Exists(path) && !parseResult.GetValue(force))
            {
                await error.WriteLineAsync($"{path} exists already (--force overwrites it)").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            // Exporting only reads the store: it is opened read-only and never created, extended or written.
            if (!store.TryOpen(parseResult, readOnly: true, out StoreSelection? selection, out string message, logger))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            LicenseStoreContents contents;
            try
            {
                contents = opened.Store.ReadContents();
                byte[] bytes = asReg ? ToReg(contents) : LicenseStoreJson.Write(contents);
                DurableFile.Write(path, bytes);
            }
            catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"could not export {opened.Location} to {path}: {OsErrorText.Explain(exception)}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            string formatName = asReg ? "reg" : "json";
            HostLog.ExportCommandCompleted(logger, opened.Location, path, formatName, StoreMaintenance.HashOf(contents.HardwareId), contents.Licenses.Count);
            HostApp.WriteFields(output, parseResult.GetValue(json), writer =>
            {
                writer.WriteString("store", $"{opened.Kind}:{opened.Location}");
                writer.WriteString("file", path);
                writer.WriteString("format", formatName);
                StoreMaintenance.DescribeContents(writer, "exported", contents, opened.Device);
            });
            return HostApp.ExitOk;
        });
        return command;
    }

    /// <summary>The contents as the registry store would write them, as a .reg.</summary>
    private static byte[] ToReg(LicenseStoreContents contents)
    {
        var hive = new MemoryRegistry();
        new RegistryLicenseStore(hive).ReplaceContents(contents);
        return RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey));
    }
}
