using System.CommandLine;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
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
            HostApp.WriteFields(output, parseResult.GetValue(jsonOption), writer => Describe(opened, snapshot, now, writer));

            return HostApp.ExitOk;
        });
        return command;
    }

    internal static void Describe(StoreSelection store, LicenseStoreSnapshot snapshot, DateTimeOffset now, IFieldWriter writer)
    {
        writer.WriteString("store", $"{store.Kind}:{store.Location}");
        if (snapshot.HardwareId is { } hardwareId)
        {
            writer.WriteString("hwid", hardwareId.ToString());
            writer.WriteString("hwidFingerprint", HardwareIdFingerprint.Compute(hardwareId.ToArray()));
        }
        else
        {
            writer.WriteString("hwid", string.Empty);
        }

        writer.StartArray("licenses");
        foreach (StoredLicense license in snapshot.Licenses)
        {
            writer.StartObjectElement();
            writer.StartObject("storeKey");
            writer.WriteString("version", $"0x{license.Key.Version:x8}");
            writer.WriteString("scope", license.Key.Scope);
            writer.WriteString("companyName", license.Key.CompanyName);
            writer.WriteString("productId", license.Key.ProductId);
            writer.EndObject();
            writer.WriteNumber("length", license.LicenseInfo.Length);
            // The CAL's own fields sit beside the store key, as the JSON names them (licenses[].licenseId, …).
            CalDescriber.DescribeFields(license.LicenseInfo.Span, snapshot.HardwareId, now, writer);
            writer.EndObject();
        }

        writer.EndArray();
    }
}
