using System.Globalization;
using System.Net;
using System.Text;

namespace TsThinLic.Host;

/// <summary>
/// The fleet report as one self-contained HTML page: inline CSS, no script, no external asset (it opens from a mail
/// attachment on an air-gapped network), the same tables as the terminal, all rows, and an inline SVG chart of CAL
/// expiries per week with one bar (<c>rect class="week"</c>) per week. Every text from a report is HTML-encoded.
/// </summary>
internal static class FleetHtmlPage
{
    private const int ChartHeight = 200;
    private const int BarWidth = 12;

    public static string Render(FleetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TsThinLic fleet report</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}")
            .Append("td,th{border:1px solid #bbb;padding:2px 8px;text-align:left}th{background:#eee}.bad{color:#b00;font-weight:bold}.ok{color:#070}")
            .Append("svg{border:1px solid #bbb;background:#fafafa}rect.week{fill:#3572b0}text{font-size:10px}")
            .Append("</style></head><body>\n");
        html.Append("<h1>TsThinLic fleet report</h1>\n<p>").Append(report.Devices.Count.ToString(CultureInfo.InvariantCulture))
            .Append(" device reports read as of ").Append(H(FleetReport.Day(DateOnly.FromDateTime(report.Now.UtcDateTime))))
            .Append("; ").Append(report.Malformed.Count.ToString(CultureInfo.InvariantCulture)).Append(" malformed")
            .Append(report.NotRead > 0 ? $"; {report.NotRead} beyond the {FleetReportReader.MaxReports} read" : string.Empty).Append(".</p>\n");

        html.Append("<h2>Summary</h2>\n<table id=\"summary\"><tr><th>finding</th><th>count</th></tr>\n");
        Summary(html, "Clones (HWIDs shared by several devices)", report.Clones.Count);
        Summary(html, "Devices on temporary CALs", report.Temporary.Select(t => t.Device).Distinct().Count(), bad: false);
        Summary(html, "Devices with a CAL of another HWID", report.ForeignCals.Count);
        Summary(html, "Unreadable stores", report.Unreadable.Count);
        Summary(html, "Malformed reports", report.Malformed.Count);
        html.Append("</table>\n");

        Chart(html, report.ExpiriesPerWeek);

        Table(html, "clones", "Clones: devices sharing a HWID", ["HWID fingerprint", "devices", "names"], report.Clones,
            g => [g[0].HwidFingerprint, g.Count.ToString(CultureInfo.InvariantCulture), string.Join(", ", g.Select(d => d.Name))]);
        Table(html, "temporary", "Temporary CALs by days left", ["days left", "device", "license ID", "expires"], report.Temporary,
            t => [t.DaysLeft.ToString(CultureInfo.InvariantCulture), t.Device.Name, t.Cal.LicenseId, t.Cal.ExpiresOn!.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        Table(html, "foreign", "Devices holding a CAL of another HWID", ["device", "report"], report.ForeignCals, d => [d.Name, d.File]);
        Table(html, "unreadable", "Unreadable stores", ["device", "report"], report.Unreadable, d => [d.Name, d.File]);
        Table(html, "malformed", "Malformed reports", ["file", "problem"], report.Malformed, m => [m.File, m.Problem]);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Chart(StringBuilder html, IReadOnlyList<(DateOnly Week, int Count)> weeks)
    {
        html.Append("<h2>CALs expiring per week</h2>\n");
        int width = Math.Max(1, weeks.Count) * BarWidth + 60;
        int max = Math.Max(1, weeks.Count == 0 ? 1 : weeks.Max(w => w.Count));
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"expiries\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{ChartHeight + 40}\" role=\"img\" aria-label=\"CALs expiring per week\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"12\">{max}</text><line x1=\"40\" y1=\"{ChartHeight + 10}\" x2=\"{width}\" y2=\"{ChartHeight + 10}\" stroke=\"#888\"/>\n");
        for (int i = 0; i < weeks.Count; i++)
        {
            (DateOnly week, int count) = weeks[i];
            int height = (int)Math.Round(count * (double)ChartHeight / max);
            int x = 40 + (i * BarWidth);
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"week\" data-week=\"{FleetReport.Day(week)}\" data-count=\"{count}\" x=\"{x}\" y=\"{ChartHeight + 10 - height}\" width=\"{BarWidth - 2}\" height=\"{height}\"><title>week of {FleetReport.Day(week)}: {count}</title></rect>\n");
            if (i % 4 == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{ChartHeight + 25}\">{FleetReport.Day(week)[5..]}</text>\n");
            }
        }

        html.Append("</svg>\n");
    }

    private static void Summary(StringBuilder html, string label, int count, bool bad = true)
        => html.Append("<tr><td>").Append(H(label)).Append("</td><td class=\"").Append(bad && count > 0 ? "bad" : "ok").Append("\">")
            .Append(count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");

    private static void Table<T>(StringBuilder html, string id, string title, string[] headings, IReadOnlyList<T> rows, Func<T, string[]> cells)
    {
        html.Append("<h2>").Append(H(title)).Append("</h2>\n");
        if (rows.Count == 0)
        {
            html.Append("<p class=\"ok\">None.</p>\n");
            return;
        }

        html.Append("<table id=\"").Append(id).Append("\"><tr>");
        foreach (string heading in headings)
        {
            html.Append("<th>").Append(H(heading)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (T row in rows)
        {
            html.Append("<tr>");
            foreach (string cell in cells(row))
            {
                html.Append("<td>").Append(H(cell)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string H(string text) => WebUtility.HtmlEncode(text);
}
