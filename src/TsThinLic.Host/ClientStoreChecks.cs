using TsThinLic.Crypto;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>
/// The doctor's checks for what bites FreeRDP's and rdesktop's own CAL stores: a CAL that does not match the HWID the
/// client derives from its host name, one CAL per host name presented to every server and farm, a HWID that every
/// device imaged with the same host name shares, and the leftover <c>.cal.new</c> of an interrupted write.
/// </summary>
internal static class ClientStoreChecks
{
    /// <summary>The licenses directory can be read, and no write was left half done.</summary>
    public const string FilesId = "client-files";

    /// <summary>Each CAL was issued to the HWID the client derives from its host name.</summary>
    public const string RecipeId = "client-cal-recipe";

    /// <summary>One CAL per host name, whatever the server or farm.</summary>
    public const string OneCalPerHostId = "client-one-cal-per-host";

    /// <summary>The HWID comes from the host name: devices cloned with one name share it.</summary>
    public const string SharedHardwareIdId = "client-shared-hwid";

    /// <summary>The checks, in order; <paramref name="files"/> and <paramref name="leftovers"/> from <see cref="ClientCalDirectory.Read"/>.</summary>
    public static IReadOnlyList<DoctorCheck> Check(ClientCalDirectory directory, IReadOnlyList<ClientCalFile> files, IReadOnlyList<string> leftovers)
    {
        string client = directory.Kind == "freerdp" ? "FreeRDP" : "rdesktop";
        var checks = new List<DoctorCheck>
        {
            leftovers.Count == 0
                ? DoctorCheck.Ok(FilesId, $"{files.Count} .cal file(s) in {directory.LicensesDirectory}, no interrupted write")
                : new DoctorCheck(
                    FilesId,
                    DoctorVerdict.Warning,
                    $"{string.Join(", ", leftovers)} in {directory.LicensesDirectory}: {client} writes a CAL to NAME.cal.new and renames it over NAME.cal, so this write was cut (power loss, full disk) and {client} does not read it",
                    "if NAME.cal is missing or older, move NAME.cal.new over it; otherwise delete NAME.cal.new",
                    [],
                    false),
        };

        var mismatched = new List<string>();
        var unknown = new List<string>();
        foreach (ClientCalFile file in files)
        {
            if (file.HostName is null)
            {
                unknown.Add(file.FileName);
            }
            else if (file.Cal?.HardwareId is { } hardwareId && hardwareId != directory.Recipe(file.HostName))
            {
                mismatched.Add($"{file.FileName} (host {file.HostName}): the CAL names HWID {HardwareIdFingerprint.Compute(hardwareId.ToArray())}, {client} sends {HardwareIdFingerprint.Compute(directory.Recipe(file.HostName).ToArray())}");
            }
        }

        checks.Add(mismatched.Count > 0
            ? new DoctorCheck(RecipeId, DoctorVerdict.Problem, string.Join("; ", mismatched) + $": the server decrypts the HWID {client} sends and finds the CAL was not issued to it", $"delete the file: {client} asks for a new CAL at the next connection", [ServerEvents.InvalidLicense], false)
            : unknown.Count > 0
                ? new DoctorCheck(RecipeId, DoctorVerdict.Warning, $"{string.Join(", ", unknown)}: no host name known here hashes to this name (the CAL does not name one, nor does this machine), so which HWID {client} sends with it cannot be told", string.Empty, [], false)
                : DoctorCheck.Ok(RecipeId, files.Count == 0 ? "no CAL stored" : $"every CAL was issued to the HWID {client} derives from its host name"));

        ClientCalFile[] cals = files.Where(f => f.Cal is not null).ToArray();
        checks.Add(cals.Length == 0
            ? DoctorCheck.Ok(OneCalPerHostId, "no CAL stored")
            : new DoctorCheck(
                OneCalPerHostId,
                DoctorVerdict.Warning,
                string.Join("; ", cals.Select(f => $"{f.FileName}: issued by {f.Cal!.Issuer ?? "?"} (scope {f.Cal.Scope ?? "?"}) to {f.HostName ?? "?"}"))
                    + $": {client} keeps one CAL per client host name and presents it to every server and farm; a farm with another license server or scope answers with a CAL of its own, which replaces this one, and each farm in turn then sees a CAL it did not issue (a new temporary CAL every time, events 1004 and, when they run out, 1011)",
                "give each farm its own client host name (FreeRDP: /client-hostname:NAME; rdesktop: -n NAME), or license through tsthinlic's store, which keeps one CAL per server scope",
                [ServerEvents.CannotIssueLicense],
                false));

        string[] hosts = files.Select(f => f.HostName).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        checks.Add(hosts.Length == 0
            ? DoctorCheck.Ok(SharedHardwareIdId, "no host name known")
            : new DoctorCheck(
                SharedHardwareIdId,
                DoctorVerdict.Warning,
                $"{client}'s HWID is {(directory.Kind == "freerdp" ? "MD5 of the host name" : "the host name itself")} ({string.Join(", ", hosts)}): every device cloned with the same host name presents this same HWID, so the license server counts them as one device and one seat",
                "give every device its own host name before it first connects (or move it to tsthinlic's store, whose HWID is random per device)",
                [],
                false));
        return checks;
    }
}
