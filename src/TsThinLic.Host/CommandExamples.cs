using System.CommandLine;

namespace TsThinLic.Host;

/// <summary>
/// The examples each command's <c>--help</c> ends with, and the man page's EXAMPLES: what a field engineer types, the
/// common case first. Kept apart from the commands so the help, the man page and the completions say the same.
/// </summary>
internal static class CommandExamples
{
    /// <summary>Examples per command path ("store verify"): command line and what it does.</summary>
    public static IReadOnlyDictionary<string, (string Line, string Does)[]> All { get; } = new Dictionary<string, (string, string)[]>(StringComparer.Ordinal)
    {
        ["license"] = [("tsthinlic license", "license against the built-in emulated license server"), ("tsthinlic license --server rds01.example.com --store file:/var/lib/tsthinlic/licenses.store", "license against a real RD Session Host and keep the CAL")],
        ["show"] = [("tsthinlic show", "the HWID and every CAL, as TSCTST showed them"), ("tsthinlic show --advanced", "add version, platform ID, license server ID, flags, certificates and store key"), ("tsthinlic show --image /var/lib/tsthinlic/licenses.store.quarantine/licenses.store.20260601T080000Z", "read a quarantined or backed-up image")],
        ["doctor"] = [("tsthinlic doctor --server rds01.example.com", "check reachability, the store, the HWID and every CAL"), ("tsthinlic doctor --json > \"$(hostname).json\"", "a report for tsthinlic fleet")],
        ["probe"] = [("tsthinlic probe rds01.example.com", "connect through licensing without touching the device's store"), ("tsthinlic probe 10.0.0.5:3390 --security rdp --json", "Standard RDP Security on another port, as JSON")],
        ["fleet"] = [("tsthinlic fleet reports/ --html fleet.html", "summarise a directory of doctor --json reports and write a page"), ("tsthinlic fleet tc-*.json --json", "the same groups as JSON")],
        ["decode"] = [("tsthinlic decode --hex 80000000ff031000070000000200000004000000", "decode a licensing PDU given as hex"), ("tsthinlic decode pdu.bin", "decode a PDU from a file")],
        ["store"] = [("tsthinlic store verify", "check every record of the store")],
        ["store verify"] = [("tsthinlic store verify --store flash:/dev/mtd3", "check a flash store's records")],
        ["store wipe"] = [("tsthinlic store wipe --licenses-only", "drop the CALs, keep the HWID")],
        ["wipe"] = [("tsthinlic wipe --cals-only", "drop the CALs, keep the HWID (after a backup)"), ("tsthinlic wipe", "drop CALs and HWID: the device is new to the license server")],
        ["hwid"] = [("tsthinlic hwid", "the HWID's fingerprint and where it was made"), ("tsthinlic hwid --regenerate", "a new HWID for a cloned device")],
        ["export"] = [("tsthinlic export backup.json", "the HWID and CALs as portable JSON"), ("tsthinlic export mslicensing.reg --store registry", "as a regedit file")],
        ["import"] = [("tsthinlic import backup.json", "restore an export (after a backup of the store)"), ("tsthinlic import --salvage licenses.store.bad", "import what a damaged image still holds")],
        ["replay"] = [("tsthinlic replay captures/", "replay every capture and transcript in a directory")],
        ["capture-to-transcript"] = [("tsthinlic capture-to-transcript session.pcapng", "turn a capture's licensing exchanges into a transcript")],
        ["completion"] = [("source <(tsthinlic completion bash)", "completion in this bash"), ("tsthinlic completion fish > ~/.config/fish/completions/tsthinlic.fish", "completion for fish")],
    };

    /// <summary>Appends "Examples:" to the description of every command that has them, so --help ends with them.</summary>
    public static void Apply(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach ((string path, Command command) in CommandTree.Walk(root))
        {
            if (All.TryGetValue(path, out (string Line, string Does)[]? examples))
            {
                command.Description += Environment.NewLine + Environment.NewLine + "Examples:" + string.Concat(examples.Select(e => $"{Environment.NewLine}  {e.Line}{Environment.NewLine}      {e.Does}"));
            }
        }
    }

    /// <summary>A description without the examples <see cref="Apply"/> added: its first paragraph.</summary>
    public static string Summary(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        string description = command.Description ?? string.Empty;
        int end = description.IndexOf(Environment.NewLine + Environment.NewLine, StringComparison.Ordinal);
        return end < 0 ? description : description[..end];
    }
}
