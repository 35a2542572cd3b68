using System.CommandLine;
using System.IO.Pipelines;
using System.Text.Json;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Emulation;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Storage;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic license</c>: the main job. Obtains or refreshes this device's CAL; with no server named it talks to
/// the built-in emulated license server over in-process pipes, shows each PDU as it crosses, and prints the outcome.
/// </summary>
internal static class LicenseCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var storeOption = new Option<string>("--store")
        {
            Description = "Where the HWID and CALs are kept: memory (the persistent stores arrive with the store work).",
            DefaultValueFactory = _ => "memory",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var userOption = new Option<string>("--user") { Description = "ClientUserName to send.", DefaultValueFactory = _ => Environment.UserName };
        var machineOption = new Option<string>("--machine") { Description = "ClientMachineName to send.", DefaultValueFactory = _ => Environment.MachineName };
        var timeoutOption = new Option<double>("--timeout") { Description = "Seconds to wait for each server PDU.", DefaultValueFactory = _ => 30 };
        var serverOption = new Option<string?>("--server") { Description = "HOST[:PORT] of a real RDP server to license against (the probe's connection) instead of the emulator." };

        var command = new Command("license", "Obtain or refresh this device's CAL (against the built-in emulated license server).");
        command.Options.Add(storeOption);
        command.Options.Add(jsonOption);
        command.Options.Add(userOption);
        command.Options.Add(machineOption);
        command.Options.Add(timeoutOption);
        command.Options.Add(serverOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string store = parseResult.GetValue(storeOption)!;
            if (!string.Equals(store, "memory", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync($"unknown store '{store}': this build knows 'memory'").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            bool json = parseResult.GetValue(jsonOption);
            if (parseResult.GetValue(serverOption) is { } server)
            {
                return await ProbeCommand.LicenseAgainstServerAsync(server, store, parseResult.GetValue(userOption)!, parseResult.GetValue(machineOption)!, parseResult.GetValue(timeoutOption), json, output, error, cancellationToken).ConfigureAwait(false);
            }

            var options = new PipeLicensingDriverOptions
            {
                UserName = parseResult.GetValue(userOption)!,
                MachineName = parseResult.GetValue(machineOption)!,
                Timeout = TimeSpan.FromSeconds(parseResult.GetValue(timeoutOption)),
                OnPdu = json ? null : record => output.WriteLine(
                    $"{(record.Direction == LicensingPduDirection.Server ? "server → client" : "client → server")}  {Name(record.MessageType),-28} {record.Bytes.Length,5} bytes"),
            };

            LicensingExchangeResult result = await RunAgainstEmulatorAsync(new MemoryLicenseStore(), options, cancellationToken).ConfigureAwait(false);
            if (json)
            {
                WriteJson(result, output);
            }
            else
            {
                WriteText(result, output);
            }

            return result.Succeeded ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    /// <summary>Runs one exchange between the driver and the emulated license server over a pair of pipes.</summary>
    internal static async Task<LicensingExchangeResult> RunAgainstEmulatorAsync(ILicenseStore store, PipeLicensingDriverOptions options, CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var server = new EmulatedLicenseServer(SystemRandomSource.Instance);
        var driver = new PipeLicensingDriver(store, SystemRandomSource.Instance, TimeProvider.System, options);
        Task serverTask = server.RunAsync(toServer.Reader, toClient.Writer, cancellationToken);
        LicensingExchangeResult result = await driver.RunAsync(toClient.Reader, toServer.Writer, cancellationToken).ConfigureAwait(false);
        await toServer.Writer.CompleteAsync().ConfigureAwait(false);
        await serverTask.ConfigureAwait(false);
        await toClient.Reader.CompleteAsync().ConfigureAwait(false);
        return result;
    }

    internal static string Outcome(LicensingExchangeResult result) => result.Outcome switch
    {
        LicensingOutcome.ValidClient when result.Succeeded => "valid-client",
        LicensingOutcome.LicenseIssued when result.Succeeded => "license-issued",
        LicensingOutcome.LicenseUpgraded when result.Succeeded => "license-upgraded",
        _ => "failed",
    };

    private static string Name(LicensingMessageType? type) => type is { } t ? LicensingSpecNames.MessageType(t) : "(undecodable)";

    private static void WriteText(LicensingExchangeResult result, TextWriter output)
    {
        var writer = new TextFieldWriter(output);
        output.WriteLine();
        Describe(result, writer, withPdus: false);
    }

    private static void WriteJson(LicensingExchangeResult result, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            Describe(result, new JsonFieldWriter(json), withPdus: true);
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void Describe(LicensingExchangeResult result, IFieldWriter writer, bool withPdus)
    {
        writer.WriteString("outcome", Outcome(result));
        if (result.Failure is { } failure)
        {
            writer.WriteString("error", failure.Message);
            writer.WriteString("failureReason", failure.Reason.ToString());
            if (failure.ServerErrorCode is { } code)
            {
                writer.WriteString("serverErrorCode", LicensingSpecNames.ErrorCode(code));
            }

            if (failure.ServerStateTransition is { } transition)
            {
                writer.WriteString("serverStateTransition", LicensingSpecNames.StateTransition(transition));
            }

            if (failure.AlertSent is { } alert)
            {
                writer.WriteString("alertSent", LicensingSpecNames.ErrorCode(alert));
            }
        }

        if (withPdus)
        {
            writer.StartArray("pdus");
            foreach (LicensingPduRecord pdu in result.Pdus)
            {
                writer.StartObjectElement();
                writer.WriteString("direction", pdu.Direction == LicensingPduDirection.Server ? "server" : "client");
                writer.WriteString("messageType", Name(pdu.MessageType));
                writer.WriteNumber("length", pdu.Bytes.Length);
                writer.EndObject();
            }

            writer.EndArray();
        }

        writer.StartObject("hwid");
        writer.WriteString("fingerprint", HardwareIdFingerprint.Compute(result.HardwareId.ToArray()));
        writer.WriteString("platformId", $"0x{result.HardwareId.PlatformId:x8}");
        writer.WriteBoolean("created", result.HardwareIdCreated);
        writer.EndObject();

        if (result.PresentedLicense is { } presented)
        {
            WriteKey(writer, "presentedLicense", presented);
        }

        if (result.StoredLicense is { } stored)
        {
            WriteKey(writer, "storedLicense", stored.Key);
            writer.WriteNumber("storedLicenseLength", stored.LicenseInfo.Length);
        }
    }

    private static void WriteKey(IFieldWriter writer, string name, LicenseKey key)
    {
        writer.StartObject(name);
        writer.WriteString("version", $"0x{key.Version:x8}");
        writer.WriteString("scope", key.Scope);
        writer.WriteString("companyName", key.CompanyName);
        writer.WriteString("productId", key.ProductId);
        writer.EndObject();
    }
}
