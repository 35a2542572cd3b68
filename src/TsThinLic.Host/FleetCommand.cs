using System.CommandLine;
using System.Text;
using TsThinLic.Diagnostics;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic fleet REPORT.json… | DIR [--html OUT.html] [--json]</c>: reads the <c>doctor --json</c> reports many
/// devices sent in and shows what only the fleet shows (<see cref="FleetReport"/>): a summary table on the terminal,
/// the same as JSON, and a self-contained HTML page with an SVG chart of expiries per week.
/// </summary>
/// <remarks>Exit codes: 0 nothing needs attention; 1 clones, another HWID's CALs, unreadable stores or malformed reports; 2 nothing could be read or the page could not be written.</remarks>
internal static class FleetCommand
{
    public static Command Create(TextWriter output, TextWriter error, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var reportsArgument = new Argument<string[]>("reports") { Description = "doctor --json reports (files), or directories holding them (*.json).", Arity = ArgumentArity.OneOrMore };
        var htmlOption = new Option<string?>("--html") { Description = "Also write the report as one self-contained HTML page (tables and an SVG chart) to this file." };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("fleet", "Find what only many devices show: clones sharing a HWID, temporary CALs by days left, expiries per week, CALs of another HWID, unreadable stores.");
        command.Arguments.Add(reportsArgument);
        command.Options.Add(htmlOption);
        command.Options.Add(jsonOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var devices = new List<FleetDevice>();
            var malformed = new List<(string, string)>();
            int notRead = 0;
            IEnumerable<string> files;
            try
            {
                files = FleetReportReader.Expand(parseResult.GetValue(reportsArgument)!).ToList();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"cannot list the reports: {OsErrorText.Explain(exception)}; name readable files or directories").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            foreach (string file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (devices.Count + malformed.Count >= FleetReportReader.MaxReports)
                {
                    notRead++;
                    continue;
                }

                if (FleetReportReader.TryRead(file, out FleetDevice? device, out string problem))
                {
                    devices.Add(device!);
                }
                else
                {
                    malformed.Add((file, problem));
                }
            }

            if (devices.Count == 0 && malformed.Count == 0)
            {
                await error.WriteLineAsync("fleet: no reports found: name doctor --json files, or directories holding *.json reports").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            var report = new FleetReport(devices, malformed, notRead, environment.Time.GetUtcNow());
            if (parseResult.GetValue(htmlOption) is { } html)
            {
                // Written whole or not at all (a failure is exit 2 with the path and the system's words).
                DurableFile.Write(html, Encoding.UTF8.GetBytes(FleetHtmlPage.Render(report)));
            }

            if (parseResult.GetValue(jsonOption))
            {
                HostApp.WriteFields(output, json: true, writer => Describe(report, writer));
            }
            else
            {
                FleetTextView.Write(output, HostApp.StyleFor(parseResult, environment), report);
            }

            return report.HasFindings ? HostApp.ExitProblem : HostApp.ExitOk;
        });
        return command;
    }

    private static void Describe(FleetReport report, IFieldWriter writer)
    {
        writer.WriteNumber("devices", report.Devices.Count);
        writer.WriteNumber("notRead", report.NotRead);
        writer.StartArray("clones");
        foreach (List<FleetDevice> group in report.Clones)
        {
            writer.StartObjectElement();
            writer.WriteString("hwidFingerprint", group[0].HwidFingerprint);
            writer.WriteString("hwidHash", group[0].HwidHash);
            Names(writer, "devices", group);
            writer.EndObject();
        }

        writer.EndArray();
        writer.StartArray("temporary");
        foreach ((FleetDevice device, FleetCal cal, long daysLeft) in report.Temporary)
        {
            writer.StartObjectElement();
            writer.WriteString("device", device.Name);
            writer.WriteString("licenseId", cal.LicenseId);
            writer.WriteNumber("daysLeft", daysLeft);
            writer.EndObject();
        }

        writer.EndArray();
        writer.StartArray("expiriesPerWeek");
        foreach ((DateOnly week, int count) in report.ExpiriesPerWeek)
        {
            writer.StartObjectElement();
            writer.WriteString("week", FleetReport.Day(week));
            writer.WriteNumber("count", count);
            writer.EndObject();
        }

        writer.EndArray();
        Names(writer, "calsOfAnotherHwid", report.ForeignCals);
        Names(writer, "unreadableStores", report.Unreadable);
        writer.StartArray("malformed");
        foreach ((string file, string problem) in report.Malformed)
        {
            writer.StartObjectElement();
            writer.WriteString("file", file);
            writer.WriteString("problem", problem);
            writer.EndObject();
        }

        writer.EndArray();
    }

    private static void Names(IFieldWriter writer, string name, IEnumerable<FleetDevice> devices)
    {
        writer.StartArray(name);
        foreach (FleetDevice device in devices)
        {
            writer.WriteStringElement(device.Name);
        }

        writer.EndArray();
    }
}
