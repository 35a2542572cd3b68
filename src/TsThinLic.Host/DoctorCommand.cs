using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic doctor [--store …|--profile …|--reg FILE] [--server HOST[:PORT]] [--json]</c>: the client-side licensing
/// checklist of techgenix's "Troubleshooting Terminal Server Licensing Issues" part 4, automated. Each check gives a
/// verdict (ok, warning, problem, skipped), its evidence, the fix, the server events the symptom causes and whether a
/// wipe is the right fix (<see cref="DoctorReport"/>). Doctor only looks: it opens the store read-only and never
/// writes it (its one write is an empty probe file, created and deleted, to learn whether the store's directory takes
/// writes).
/// </summary>
/// <remarks>
/// Exit codes: 0 when no check found a problem (warnings are printed, and counted in the output); 1 when one did,
/// including a store that exists but cannot be read or written by this account, since that is the finding the engineer
/// came for; 2 only when doctor itself cannot run: unusable arguments, an unknown store kind, a profile that cannot be
/// read, the registry store off Windows.
/// </remarks>
internal static class DoctorCommand
{
    public static Command Create(TextWriter output, TextWriter error, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var serverOption = new Option<string?>("--server") { Description = "HOST[:PORT] of the RD server: check that TCP reaches it (port 3389 unless given)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("doctor", "Check this device's licensing: server reachability, the store, the HWID and every CAL; say what each finding causes on the server and how to fix it.");
        var storeArguments = new StoreArguments(command);
        command.Options.Add(serverOption);
        command.Options.Add(jsonOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string? server = parseResult.GetValue(serverOption);
            string host = string.Empty;
            int port = 0;
            if (server is not null && !ProbeCommand.TryParseTarget(server, out host, out port))
            {
                await error.WriteLineAsync($"--server must be HOST or HOST:PORT (port 1 to 65535), not '{server}'").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (!storeArguments.TryResolve(parseResult, out StoreTarget? target, out string message))
            {
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Doctor");
            var checks = new List<DoctorCheck>
            {
                server is null
                    ? DoctorCheck.Skipped(DoctorCheckIds.ServerReachable, "no --server given")
                    : await ServerReachabilityCheck.RunAsync(host, port, environment, cancellationToken).ConfigureAwait(false),
            };
            checks.AddRange(CheckStore(target!, environment, out LicenseStoreSnapshot? snapshot));

            var report = new DoctorReport(checks);
            report.Log(logger);
            string storeText = target!.Path.Length > 0 ? $"{target.Kind}:{target.Path}" : target.Kind;
            if (!parseResult.GetValue(jsonOption))
            {
                DoctorChecklistView.Write(output, HostApp.StyleFor(parseResult, environment), report, storeText, server is null ? null : $"{host}:{port}");
                return report.IsHealthy ? HostApp.ExitOk : HostApp.ExitProblem;
            }

            HostApp.WriteFields(output, json: true, writer =>
            {
                writer.WriteString("store", target!.Path.Length > 0 ? $"{target.Kind}:{target.Path}" : target.Kind);
                if (server is not null)
                {
                    writer.WriteString("server", $"{host}:{port}");
                }

                report.Describe(writer, FixCommandLine);
                DoctorDeviceSummary.Describe(writer, environment.DeviceName, environment.Time.GetUtcNow(), snapshot);
            });

            return report.IsHealthy ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    /// <summary>The command line a doctor fix names, as the field engineer types it.</summary>
    internal static string FixCommandLine(DoctorFixCommand command) => command switch
    {
        DoctorFixCommand.Wipe => "tsthinlic wipe",
        DoctorFixCommand.WipeCalsOnly => "tsthinlic wipe --cals-only",
        DoctorFixCommand.ShowQuarantined => "tsthinlic show --image",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    /// <summary>Checks 2 to 8: the medium first, then (when it can be read) what the store holds.</summary>
    internal static IReadOnlyList<DoctorCheck> CheckStore(StoreTarget target, DoctorEnvironment environment)
        => CheckStore(target, environment, out _);

    /// <summary>As <see cref="CheckStore(StoreTarget, DoctorEnvironment)"/>; <paramref name="snapshot"/> is what the store holds, null when it could not be read.</summary>
    internal static IReadOnlyList<DoctorCheck> CheckStore(StoreTarget target, DoctorEnvironment environment, out LicenseStoreSnapshot? snapshot)
    {
        snapshot = null;
        const string Unreadable = "the store cannot be read (see store-access)";
        DateTimeOffset now = environment.Time.GetUtcNow();
        DoctorCheck access = DoctorCheck.Skipped(DoctorCheckIds.StoreAccess, "the registry's ACL and write filter are read once the key is open");
        if (target.Kind is "freerdp" or "rdesktop")
        {
            return CheckClientStore(target, now);
        }

        if (target.Kind != "registry")
        {
            (access, bool readable) = StoreAccessCheck.Evaluate(target, environment.Files);
            if (!readable)
            {
                return [access, .. LicenseDoctor.SkipStoreContent(Unreadable)];
            }
        }

        if (!StoreSelection.TryOpen(target, readOnly: true, out StoreSelection? selection, out string openError))
        {
            return [CannotRead(access, openError), .. LicenseDoctor.SkipStoreContent(Unreadable)];
        }

        using StoreSelection opened = selection!;
        StoreVerification verification;
        try
        {
            if (opened.Store is RegistryLicenseStore registry)
            {
                access = StoreAccessCheck.EvaluateRegistry(registry.CheckEnvironment());
            }
            else if (opened.Kind == "reg")
            {
                // A .reg export carries no ACL and no write-filter state: those are judged on the device only.
                access = WithFact(access, "a .reg export carries neither the key's ACL nor the write filter's PersistTSCAL: run doctor on the device (--store registry) for those");
            }

            verification = opened.Store is IVerifiableLicenseStore verifiable
                ? verifiable.Verify()
                : new StoreVerification(opened.Location, [], opened.Store.Load());
        }
        catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return [CannotRead(access, TsThinLic.Storage.Files.OsErrorText.Explain(exception)), .. LicenseDoctor.SkipStoreContent(Unreadable)];
        }

        snapshot = verification.Loaded;
        return [access, .. LicenseDoctor.CheckStoreContent(verification, now)];
    }

    /// <summary>A FreeRDP or rdesktop store: what it holds, judged as ours is, then what bites those clients.</summary>
    private static IReadOnlyList<DoctorCheck> CheckClientStore(StoreTarget target, DateTimeOffset now)
    {
        var directory = new ClientCalDirectory(target.Kind, target.Path);
        if (!StoreSelection.TryOpen(target, readOnly: true, out StoreSelection? selection, out string openError))
        {
            return [CannotRead(DoctorCheck.Skipped(DoctorCheckIds.StoreAccess, string.Empty), openError), .. LicenseDoctor.SkipStoreContent("the store cannot be read (see store-access)")];
        }

        using StoreSelection opened = selection!;
        try
        {
            (IReadOnlyList<ClientCalFile> files, IReadOnlyList<string> leftovers) = directory.Read();
            DoctorCheck access = DoctorCheck.Ok(DoctorCheckIds.StoreAccess, $"{directory.LicensesDirectory} can be read ({target.Kind} keeps its CALs there, one file per client host name)");
            var verification = new StoreVerification(opened.Location, [], opened.Store.Load());
            return [access, .. LicenseDoctor.CheckStoreContent(verification, now), .. ClientStoreChecks.Check(directory, files, leftovers)];
        }
        catch (Exception exception) when (exception is LicenseStoreException or IOException or UnauthorizedAccessException)
        {
            return [CannotRead(DoctorCheck.Skipped(DoctorCheckIds.StoreAccess, string.Empty), exception.Message), .. LicenseDoctor.SkipStoreContent("the store cannot be read (see store-access)")];
        }
    }

    private static DoctorCheck CannotRead(DoctorCheck access, string why)
        => new(
            DoctorCheckIds.StoreAccess,
            DoctorVerdict.Problem,
            $"the store cannot be read: {why}" + (access.Evidence.Length > 0 ? "; " + access.Evidence : string.Empty),
            "give the licensing client's account read access to the store, or replace a damaged medium",
            access.ServerEvents,
            false);

    private static DoctorCheck WithFact(DoctorCheck check, string fact)
        => check with { Evidence = check.Evidence.Length > 0 ? $"{check.Evidence}; {fact}" : fact };
}
