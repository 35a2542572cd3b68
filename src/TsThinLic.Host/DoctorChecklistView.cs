using System.Globalization;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic doctor</c> for people, as <c>flutter doctor</c> and <c>brew doctor</c> read: one line per check with a
/// mark (ok, warning, problem, skipped) and its evidence, and under each warning or problem the fix, the exact command
/// to type and the server events the symptom explains; then a one-line summary. Empty fields are never printed. Marks
/// and colour follow <see cref="TerminalStyle"/>. JSON output does not come through here (<see cref="DoctorReport.Describe"/>).
/// </summary>
internal static class DoctorChecklistView
{
    private const int TitleWidth = 22;

    /// <param name="output">Where the lines go.</param>
    /// <param name="style">Marks, colour and character set.</param>
    /// <param name="report">What the checks found.</param>
    /// <param name="store">The store as --store names it ("file:/var/lib/tsthinlic/licenses.store"), added to wipe commands so they can be typed as they are; empty for the default.</param>
    /// <param name="server">HOST:PORT checked, or null.</param>
    public static void Write(TextWriter output, TerminalStyle style, DoctorReport report, string store, string? server)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(store);
        output.Write("Store ");
        output.Write(TerminalText.Escape(store.Length > 0 ? store : "(default)"));
        if (server is not null)
        {
            output.Write($", server {TerminalText.Escape(server)}");
        }

        output.WriteLine();
        output.WriteLine();
        foreach (DoctorCheck check in report.Checks)
        {
            style.Write(output, TerminalStyle.ColorOf(check.Verdict), style.Mark(check.Verdict));
            output.Write(' ');
            output.Write(Title(check.Id).PadRight(TitleWidth));
            output.Write(TerminalText.Escape(check.Evidence));
            if (check.ElapsedMilliseconds is { } elapsed)
            {
                output.Write($" ({elapsed.ToString(CultureInfo.InvariantCulture)} ms)");
            }

            output.WriteLine();
            if (check.Verdict is not (DoctorVerdict.Warning or DoctorVerdict.Problem))
            {
                continue;
            }

            string indent = new(' ', style.Terminal && style.Unicode ? 4 : 9);
            string fix = check.FixText(c => DoctorCommand.FixCommandLine(c));
            if (fix.Length > 0)
            {
                output.WriteLine($"{indent}fix: {TerminalText.Escape(fix)}");
            }

            if (check.FixCommand != DoctorFixCommand.None)
            {
                output.Write($"{indent}run: ");
                style.Write(output, TerminalStyle.Cyan, CommandLine(check.FixCommand, store));
                output.WriteLine();
            }

            if (check.ServerEvents.Count > 0)
            {
                output.WriteLine($"{indent}explains server events {string.Join(", ", check.ServerEvents.Select(EventText))}");
            }
        }

        output.WriteLine();
        style.Write(output, TerminalStyle.Bold, Summary(report));
        output.WriteLine();
    }

    /// <summary>The one-line summary: "No problems: 7 ok, 2 skipped." or "2 problems, 1 warning: run the fixes above (7 checks ok, 0 skipped)."</summary>
    public static string Summary(DoctorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int ok = report.Checks.Count(c => c.Verdict == DoctorVerdict.Ok);
        int skipped = report.Checks.Count(c => c.Verdict == DoctorVerdict.Skipped);
        string rest = $"{ok} ok, {skipped} skipped";
        if (report.ProblemCount == 0 && report.WarningCount == 0)
        {
            return $"No problems found ({rest}).";
        }

        var parts = new List<string>();
        if (report.ProblemCount > 0)
        {
            parts.Add(Count(report.ProblemCount, "problem"));
        }

        if (report.WarningCount > 0)
        {
            parts.Add(Count(report.WarningCount, "warning"));
        }

        return $"{string.Join(", ", parts)}: see the fixes above ({rest}).";
    }

    /// <summary>The check's name for people.</summary>
    public static string Title(string id) => id switch
    {
        DoctorCheckIds.ServerReachable => "Server reachable",
        DoctorCheckIds.StoreAccess => "Store access",
        DoctorCheckIds.HardwareId => "HWID",
        DoctorCheckIds.CalDecode => "CALs decode",
        DoctorCheckIds.CalHardwareId => "CALs are this HWID's",
        DoctorCheckIds.TemporaryCalAge => "Temporary CAL age",
        DoctorCheckIds.CalExpiry => "CAL expiry",
        DoctorCheckIds.DuplicateCals => "Duplicate CALs",
        DoctorCheckIds.CorruptRecords => "Store records",
        _ => TerminalText.Escape(id),
    };

    /// <summary>The command as typed at this device: the front end's command line, with the store when one was named.</summary>
    private static string CommandLine(DoctorFixCommand command, string store)
    {
        string line = DoctorCommand.FixCommandLine(command);
        return command is DoctorFixCommand.Wipe or DoctorFixCommand.WipeCalsOnly && store.Length > 0 ? $"{line} --store {TerminalText.Escape(store)}" : line;
    }

    private static string EventText(int id) => ServerEvents.Find(id) is { } known && known.SymbolicName.Length > 0
        ? $"{id} ({known.SymbolicName})"
        : id.ToString(CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
