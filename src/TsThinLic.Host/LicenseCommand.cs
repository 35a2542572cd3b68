using System.CommandLine;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic license</c>: the main job. Obtains or refreshes this device's CAL; with no server named it talks to
/// the built-in emulated license server over in-process pipes, shows each PDU as it crosses, and prints the outcome.
/// </summary>
internal static class LicenseCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var storeOption = new Option<string?>("--store")
        {
            Description = "Where the HWID and CALs are kept: memory, registry (Windows), reg:FILE.reg, flash:PATH (a partition image), file:PATH. Default: the profile's store, else file:" + StoreSelection.DefaultFilePath(),
        };
        var profileOption = new Option<string?>("--profile") { Description = "A device profile (hardware/….json): its store, geometry and PlatformId." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var userOption = new Option<string>("--user") { Description = "ClientUserName to send.", DefaultValueFactory = _ => Environment.UserName };
        var machineOption = new Option<string>("--machine") { Description = "ClientMachineName to send.", DefaultValueFactory = _ => Environment.MachineName };
        var timeoutOption = new Option<double>("--timeout") { Description = "Seconds to wait for each server PDU.", DefaultValueFactory = _ => 30 };
        var serverOption = new Option<string?>("--server") { Description = "HOST[:PORT] of a real RDP server to license against (the probe's connection) instead of the emulator." };
        var expectOption = new Option<string?>("--expect-certificate") { Description = "With --server: the SHA-256 fingerprint the server's TLS certificate must have." };
        var credentials = new ProbeCredentials();

        var command = new Command("license", "Obtain or refresh this device's CAL (against the built-in emulated license server).");
        command.Options.Add(storeOption);
        command.Options.Add(profileOption);
        command.Options.Add(jsonOption);
        command.Options.Add(userOption);
        command.Options.Add(machineOption);
        command.Options.Add(timeoutOption);
        command.Options.Add(serverOption);
        command.Options.Add(expectOption);
        credentials.AddTo(command);
        Option<string?> keyLogOption = KeyLogFile.CreateOption();
        keyLogOption.Description += " With --server only.";
        command.Options.Add(keyLogOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.License");
            if (!StoreSelection.TryOpen(parseResult.GetValue(storeOption), parseResult.GetValue(profileOption), out StoreSelection? selection, out string storeError, logger))
            {
                await error.WriteLineAsync(storeError).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using StoreSelection opened = selection!;
            bool json = parseResult.GetValue(jsonOption);
            if (parseResult.GetValue(keyLogOption) is not null && parseResult.GetValue(serverOption) is null)
            {
                await error.WriteLineAsync("--keylog needs --server: the emulated exchange has no TLS").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (parseResult.GetValue(serverOption) is { } server)
            {
                byte[]? expected = null;
                if (parseResult.GetValue(expectOption) is { } fingerprint && (expected = TlsServerCertificate.ParseFingerprint(fingerprint)) is null)
                {
                    await error.WriteLineAsync("--expect-certificate must be a SHA-256 fingerprint: 64 hex digits, colons optional").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                // A server that requires Network Level Authentication gets --user's credentials when a password source is named.
                NlaCredentials? nla = null;
                if (credentials.SourceGiven(parseResult))
                {
                    nla = credentials.Read(parseResult, parseResult.GetValue(userOption)!, mayPrompt: false, input, error, out string? problem);
                    if (nla is null)
                    {
                        await error.WriteLineAsync(problem).ConfigureAwait(false);
                        return HostApp.ExitCannotRun;
                    }
                }

                using NlaCredentials? disposeCredentials = nla;
                try
                {
                    return await ProbeCommand.LicenseAgainstServerAsync(server, opened, parseResult.GetValue(userOption)!, parseResult.GetValue(machineOption)!, parseResult.GetValue(timeoutOption), json ? null : HostApp.StyleFor(parseResult, environment), output, error, logger, cancellationToken, nla, expected, parseResult.GetValue(keyLogOption)).ConfigureAwait(false);
                }
                catch (LicenseStoreException exception)
                {
                    // The probe reads the store (and commits a first use's HWID) before it connects: an unusable store
                    // ends here, before any PDU.
                    await error.WriteLineAsync(StoreErrorText.Describe(opened, "cannot be used", exception)).ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }
            }

            var options = new PipeLicensingDriverOptions
            {
                UserName = parseResult.GetValue(userOption)!,
                MachineName = parseResult.GetValue(machineOption)!,
                Timeout = TimeSpan.FromSeconds(parseResult.GetValue(timeoutOption)),
                PlatformId = opened.PlatformId,
            };

            StoreVerification? verification;
            LicensingExchangeResult result;
            long started;
            try
            {
                // Verify reads the store too: a store it cannot read (a registry key whose ACL denies this account)
                // is the same clean exit 2 as one the exchange cannot read, not an unhandled exception.
                verification = (opened.Store as IVerifiableLicenseStore)?.Verify();
                started = environment.Time.GetTimestamp();
                result = await RunAgainstEmulatorAsync(opened.Store, options, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (LicenseStoreException exception)
            {
                // The store could not be read or its HWID committed (access denied, I/O error, a full disk): licensing
                // afresh would make a new HWID each time, so nothing goes ahead.
                await error.WriteLineAsync(StoreErrorText.Describe(opened, "cannot be used", exception)).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (!json)
            {
                // The outcome first, then the PDU flow; the store only when it has something to say.
                LicenseOutcomeView.Write(output, HostApp.StyleFor(parseResult, environment), result, environment.Time.GetElapsedTime(started), opened, verification);
                return result.Succeeded ? HostApp.ExitOk : HostApp.ExitProblem;
            }

            HostApp.WriteFields(output, json, writer =>
            {
                Describe(result, writer, withPdus: json);
                DescribeStore(opened, verification, writer);
            });

            return result.Succeeded ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    /// <summary>Runs one exchange between the driver and the emulated license server over a pair of pipes.</summary>
    internal static async Task<LicensingExchangeResult> RunAgainstEmulatorAsync(ILicenseStore store, PipeLicensingDriverOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var server = new EmulatedLicenseServer(SystemRandomSource.Instance);
        var driver = new PipeLicensingDriver(store, SystemRandomSource.Instance, TimeProvider.System, options, logger);
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
            CalDescriber.Describe("cal", stored.LicenseInfo.Span, result.HardwareId, stored.StoredAt, writer);
        }
    }

    /// <summary>
    /// Where the store is, what Verify() found on it before the exchange (corrupt records, a clone, ACL, UWF), the
    /// damaged images in its quarantine, and those this run kept before writing (DESIGN.md, failure semantics).
    /// </summary>
    internal static void DescribeStore(StoreSelection store, StoreVerification? verification, IFieldWriter writer)
    {
        IReadOnlyList<QuarantinedImage> keptNow = store.Quarantine?.Kept ?? [];
        if (keptNow.Count > 0)
        {
            writer.WriteString("warning", $"the store was damaged: {keptNow[^1].Reason}; the damaged image is kept at {keptNow[^1].Path} (tsthinlic show --image reads the old HWID and CALs out of it), and this device licensed afresh");
        }

        writer.StartObject("store");
        writer.WriteString("kind", store.Kind);
        writer.WriteString("location", store.Location);
        if (store.ProfileId is { } profile)
        {
            writer.WriteString("profile", profile);
        }

        StoreMaintenance.DescribeHealth(writer, verification, keptNow);
        writer.EndObject();
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
