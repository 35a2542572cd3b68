using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic show [--store …|--profile …|--reg FILE|--image FILE] [--json]</c>: the TSCTST view of the device. The
/// HWID, and for every stored CAL its license ID and what it means, temporary or permanent, issuer and scope,
/// issued-to machine and user, validity with days left, the HWID in the CAL and whether it is this device's, and its
/// store key; then the store's health: every record that failed its checks and the damaged images kept in its
/// quarantine. Reading never creates a HWID and never writes the medium. With <c>--image</c> it reads any backup,
/// export or quarantined copy instead; a damaged one is salvaged record by record and said to be so.
/// </summary>
/// <remarks>Exit codes: 0 the store was read; 1 it holds damaged records, or an image was read by salvage; 2 it cannot be read.</remarks>
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

    public static Command Create(TextWriter output, TextWriter error, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON." };
        var advancedOption = new Option<bool>("--advanced", "-a") { Description = "Also show version, platform ID, license server ID, flags, certificate count and store key (TSCTST /a)." };
        var imageOption = new Option<string?>("--image") { Description = "Show a backup, an export or a quarantined copy (any store image) instead of the store; a damaged one is salvaged." };
        var command = new Command("show", "Show the HWID and every stored CAL, decoded (what TSCTST showed).");
        var storeArguments = new StoreArguments(command);
        command.Options.Add(jsonOption);
        command.Options.Add(imageOption);
        command.Options.Add(advancedOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Show");
            bool json = parseResult.GetValue(jsonOption);
            DateTimeOffset now = environment.Time.GetUtcNow();
            TerminalStyle style = HostApp.StyleFor(parseResult, environment);
            bool advanced = parseResult.GetValue(advancedOption);
            if (parseResult.GetValue(imageOption) is { } image)
            {
                return await ShowImageAsync(Path.GetFullPath(image), parseResult, storeArguments, json ? null : (style, advanced), now, output, error).ConfigureAwait(false);
            }

            if (!storeArguments.TryOpen(parseResult, readOnly: true, out StoreSelection? selection, out string message, logger))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            StoreVerification? verification;
            LicenseStoreSnapshot snapshot;
            try
            {
                verification = (opened.Store as IVerifiableLicenseStore)?.Verify();
                snapshot = verification?.Loaded ?? opened.Store.Load();
            }
            catch (LicenseStoreException exception)
            {
                await error.WriteLineAsync(StoreErrorText.Describe(opened, "cannot be read", exception)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            // Damage is a problem; a clone or an ACL is reported in storeHealth but is no failure to read (a .reg brought
            // from another terminal is always another device's).
            int exitCode = verification is not null && verification.Findings.Any(f => f.Kind == StoreFindingKind.Corrupt) ? HostApp.ExitProblem : HostApp.ExitOk;
            if (!json)
            {
                ShowView.Write(output, style, $"{opened.Kind}:{opened.Location}", snapshot, verification, now, advanced);
                return exitCode;
            }

            HostApp.WriteFields(output, json, writer =>
            {
                StoreView.Describe($"{opened.Kind}:{opened.Location}", snapshot, now, writer);
                if (opened.Store is ClientCalStore client)
                {
                    DescribeClientFiles(client.Directory, writer);
                }

                if (verification is not null && verification.Findings.Any(f => f.Kind == StoreFindingKind.Corrupt))
                {
                    writer.WriteString("warning", "records of this store failed their checks and read as absent (findings); the next license run keeps the damaged image in the quarantine before it writes, and the device licenses afresh");
                }

                writer.StartObject("storeHealth");
                StoreMaintenance.DescribeHealth(writer, verification, []);
                writer.EndObject();
            });

            return exitCode;
        });
        return command;
    }

    /// <summary>An image file: read whole if it is intact, else salvaged record by record, never written.</summary>
    /// <param name="text">The style and --advanced of the text view; null for JSON.</param>
    private static async Task<int> ShowImageAsync(string path, ParseResult parseResult, StoreArguments storeArguments, (TerminalStyle Style, bool Advanced)? text, DateTimeOffset now, TextWriter output, TextWriter error)
    {
        // The geometry a flash partition image is read with: the profile's, else the default.
        Storage.Flash.FlashGeometry geometry = storeArguments.TryResolve(parseResult, out StoreTarget? target, out _) ? target!.Geometry : StoreSelection.DefaultFlashGeometry;
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAll(path, LicenseStoreImage.MaxLength);
        }
        catch (FileFaultException fault)
        {
            await error.WriteLineAsync(fault.Message).ConfigureAwait(false);
            return HostApp.ExitCannotRun;
        }

        bool intact = LicenseStoreImage.TryRead(bytes, geometry, out LicenseStoreImageFormat format, out LicenseStoreContents contents, out string problem);
        string salvage = string.Empty;
        if (!intact && !LicenseStoreImage.TrySalvage(bytes, geometry, out format, out contents, out salvage))
        {
            await error.WriteLineAsync($"{path} is not a store image, and nothing can be salvaged from it: {problem}; {salvage}").ConfigureAwait(false);
            return HostApp.ExitCannotRun;
        }

        if (text is { } view)
        {
            // As the image holds it, not filtered for this device: a quarantined copy is read to see what was lost.
            ShowView.Write(output, view.Style, $"image:{path} ({format}{(intact ? ", intact" : ", DAMAGED")})", new LicenseStoreSnapshot(contents.HardwareId, contents.Licenses), null, now, view.Advanced);
            if (!intact)
            {
                output.WriteLine();
                output.WriteLine($"Read from a damaged image: {TerminalText.Escape(problem)}; salvaged {TerminalText.Escape(salvage)}.");
                output.WriteLine("Nothing here is known to be intact; a CAL whose HWID matches and that decodes is very likely whole.");
                output.WriteLine("To put what was read back into a store: tsthinlic import --salvage " + TerminalText.Escape(path));
            }

            return intact ? HostApp.ExitOk : HostApp.ExitProblem;
        }

        HostApp.WriteFields(output, json: true, writer =>
        {
            // As the image holds it, not filtered for this device: a quarantined copy is read to see what was lost.
            StoreView.Describe($"image:{path}", new LicenseStoreSnapshot(contents.HardwareId, contents.Licenses), now, writer);
            writer.StartObject("image");
            writer.WriteString("format", format.ToString());
            writer.WriteBoolean("intact", intact);
            if (!intact)
            {
                writer.WriteString("damage", problem);
                writer.WriteString("salvaged", salvage);
                writer.WriteString("warning", "read from a damaged image: nothing here is known to be intact; a CAL whose hwid matches this HWID and that decodes is very likely whole. tsthinlic import --salvage puts what was read back into a store");
            }

            writer.EndObject();
        });

        return intact ? HostApp.ExitOk : HostApp.ExitProblem;
    }
}
