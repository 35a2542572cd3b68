using TsThinLic.Diagnostics;
namespace TsThinLic.Host;

/// <summary>
/// The fleet's summary table on the terminal: counts first, then each group with the devices in it (the first
/// <see cref="ShownPerGroup"/>; the rest counted). Device names and file names come from the reports and go through
/// <see cref="TerminalText.Escape"/>.
/// </summary>
internal static class FleetTextView
{
    /// <summary>Rows shown per group on a terminal; the HTML page and --json list them all.</summary>
    public const int ShownPerGroup = 20;

    public static void Write(TextWriter output, TerminalStyle style, FleetReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(report);
        style.Write(output, TerminalStyle.Bold, $"Fleet: {report.Devices.Count} device reports read as of {FleetReport.Day(DateOnly.FromDateTime(report.Now.UtcDateTime))}");
        output.WriteLine(report.Malformed.Count > 0 || report.NotRead > 0 ? $" ({report.Malformed.Count} malformed{(report.NotRead > 0 ? $", {report.NotRead} beyond the {FleetReportReader.MaxReports} read" : string.Empty)})" : string.Empty);
        output.WriteLine();
        Row(output, style, report.Clones.Count > 0, "Clones (devices sharing a HWID)", $"{report.Clones.Count} HWIDs on {report.Clones.Sum(g => g.Count)} devices");
        Row(output, style, false, "Devices on temporary CALs", $"{report.Temporary.Select(t => t.Device).Distinct().Count()} ({report.Temporary.Count(t => t.DaysLeft <= 14)} with 14 days or less)");
        Row(output, style, report.ForeignCals.Count > 0, "CALs of another HWID", $"{report.ForeignCals.Count} devices");
        Row(output, style, report.Unreadable.Count > 0, "Unreadable stores", $"{report.Unreadable.Count} devices");
        Row(output, style, report.Malformed.Count > 0, "Malformed reports", $"{report.Malformed.Count} files");

        Section(output, style, "Clones: one HWID on several devices (run tsthinlic hwid --regenerate on all but one)", report.Clones,
            g => $"HWID {Text(g[0].HwidFingerprint)}  {g.Count} devices: {string.Join(", ", g.Take(8).Select(d => Text(d.Name)))}{(g.Count > 8 ? ", …" : string.Empty)}");
        Section(output, style, "Temporary CALs by days left", report.Temporary,
            t => $"{t.DaysLeft,5} days  {Text(t.Device.Name),-24} {Text(t.Cal.LicenseId)}  expires {t.Cal.ExpiresOn!.Value.UtcDateTime:yyyy-MM-dd}");
        Section(output, style, "CALs of another HWID (tsthinlic wipe --cals-only on the device)", report.ForeignCals, d => $"{Text(d.Name),-24} {Text(d.File)}");
        Section(output, style, "Unreadable stores (tsthinlic doctor on the device says why)", report.Unreadable, d => $"{Text(d.Name),-24} {Text(d.File)}");
        Section(output, style, "Malformed reports", report.Malformed, m => $"{Text(m.File)}: {Text(m.Problem)}");
        if (report.ExpiriesPerWeek.Count > 0)
        {
            output.WriteLine();
            style.Write(output, TerminalStyle.Bold, "CALs expiring per week");
            output.WriteLine();
            int max = Math.Max(1, report.ExpiriesPerWeek.Max(w => w.Count));
            foreach ((DateOnly week, int count) in report.ExpiriesPerWeek)
            {
                output.WriteLine($"  {FleetReport.Day(week)}  {new string(style.Unicode ? '█' : '#', (int)Math.Ceiling(count * 40.0 / max)),-40} {count}");
            }
        }
    }

    private static void Row(TextWriter output, TerminalStyle style, bool attention, string label, string value)
    {
        output.Write($"  {label,-34}");
        style.Write(output, attention ? TerminalStyle.Red : TerminalStyle.Green, value);
        output.WriteLine();
    }

    private static void Section<T>(TextWriter output, TerminalStyle style, string title, IReadOnlyList<T> rows, Func<T, string> line)
    {
        if (rows.Count == 0)
        {
            return;
        }

        output.WriteLine();
        style.Write(output, TerminalStyle.Bold, title);
        output.WriteLine();
        foreach (T row in rows.Take(ShownPerGroup))
        {
            output.WriteLine("  " + line(row));
        }

        if (rows.Count > ShownPerGroup)
        {
            output.WriteLine($"  … and {rows.Count - ShownPerGroup} more (--html or --json lists them all)");
        }
    }

    private static string Text(string value) => TerminalText.Escape(value);
}
