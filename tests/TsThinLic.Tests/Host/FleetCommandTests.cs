using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TsThinLic.Diagnostics;
using TsThinLic.Host;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Storage;
using Xunit;
using static TsThinLic.Tests.Host.DoctorStoreKit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// <c>tsthinlic fleet</c> over 200 generated device reports written by the real doctor report writers (clones,
/// temporary CALs, another HWID's CALs, unreadable stores) and malformed files beside them; the HTML page opened in
/// headless Chromium.
/// </summary>
public sealed class FleetCommandTests : IDisposable
{
    private const int DeviceCount = 200;

    private readonly string _directory = StoreTestKit.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ClientHardwareId Hwid(int n) => new(0x04010000, [.. BitConverter.GetBytes(n), .. new byte[12]]);

    /// <summary>Writes the fleet; returns the directory. Device i:</summary>
    /// <remarks>
    /// 10-12 share one HWID and 20-21 another (clones); 30-49 hold a temporary CAL with i-29 days left; 50-54 hold a
    /// CAL of another HWID; 60-64 could not read their store; the rest hold a permanent CAL expiring 1-12 weeks out.
    /// </remarks>
    private string WriteFleet()
    {
        for (int i = 0; i < DeviceCount; i++)
        {
            ClientHardwareId hwid = i is >= 10 and <= 12 ? Hwid(1000) : i is 20 or 21 ? Hwid(2000) : Hwid(i);
            LicenseStoreSnapshot? snapshot = i is >= 60 and <= 64 ? null : new LicenseStoreSnapshot(hwid,
            [
                i is >= 30 and <= 49 ? License(Mint(hwid, temporary: true, Now.AddDays(-90 + (i - 29)), Now.AddDays(i - 29).AddHours(1)))
                : i is >= 50 and <= 54 ? License(Mint(Hwid(9999), temporary: false, Now.AddDays(-10), Now.AddDays(40)))
                : License(Mint(hwid, temporary: false, Now.AddDays(-30), Now.AddDays(7 * (1 + (i % 12))))),
            ]);
            File.WriteAllText(Path.Combine(_directory, $"tc-{i:000}.json"), Report($"TC-{i:000}", snapshot));
        }

        File.WriteAllText(Path.Combine(_directory, "zz-not-json.json"), "this is not json");
        File.WriteAllText(Path.Combine(_directory, "zz-truncated.json"), Report("TC-X", null)[..40]);
        File.WriteAllText(Path.Combine(_directory, "zz-empty.json"), string.Empty);
        File.WriteAllText(Path.Combine(_directory, "zz-old-format.json"), "{\"healthy\": true, \"checks\": []}");
        File.WriteAllText(Path.Combine(_directory, "zz-bad-time.json"), "{\"device\": {\"name\": \"TC-Y\", \"time\": 12}}");
        File.WriteAllText(Path.Combine(_directory, "zz-deep.json"), new string('[', 5000) + new string(']', 5000));
        File.WriteAllBytes(Path.Combine(_directory, "zz-huge.json"), new byte[FleetReportReader.MaxReportBytes + 1]);
        return _directory;
    }

    /// <summary>A doctor --json report as the host writes it: the checks on the snapshot, then the device object.</summary>
    private static string Report(string name, LicenseStoreSnapshot? snapshot)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            var writer = new JsonFieldWriter(json);
            IReadOnlyList<DoctorCheck> checks = snapshot is null
                ? [new DoctorCheck(DoctorCheckIds.StoreAccess, DoctorVerdict.Problem, "the store cannot be read: Permission denied", "give the licensing client's account read access", [], false), .. LicenseDoctor.SkipStoreContent("unreadable")]
                : [DoctorCheck.Ok(DoctorCheckIds.StoreAccess, "ok"), .. LicenseDoctor.CheckStoreContent(new StoreVerification("file:x", [], snapshot), Now)];
            new DoctorReport(checks).Describe(writer, DoctorCommand.FixCommandLine);
            DoctorDeviceSummary.Describe(writer, name, Now, snapshot);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private DoctorEnvironment Fixed => new() { Time = new ManualTimeProvider(Now), Terminal = TerminalStyle.Plain };

    [Fact]
    public async Task FindsEachGroupAcrossTwoHundredDevices()
    {
        string directory = WriteFleet();

        var (exit, output, error) = await HostRunner.RunAsync(Fixed, "fleet", directory, "--json");

        Assert.True(exit == 1, error);
        JsonElement report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(DeviceCount, report.GetProperty("devices").GetInt32());
        string[][] clones = [.. report.GetProperty("clones").EnumerateArray().Select(g => g.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToArray())];
        Assert.Equal([["TC-010", "TC-011", "TC-012"], ["TC-020", "TC-021"]], clones);
        var temporary = report.GetProperty("temporary").EnumerateArray().Select(t => (t.GetProperty("device").GetString()!, t.GetProperty("daysLeft").GetInt64())).ToList();
        Assert.Equal(Enumerable.Range(30, 20).Select(i => ($"TC-{i:000}", (long)(i - 29))), temporary);
        Assert.Equal(Enumerable.Range(50, 5).Select(i => $"TC-{i:000}"), report.GetProperty("calsOfAnotherHwid").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Enumerable.Range(60, 5).Select(i => $"TC-{i:000}"), report.GetProperty("unreadableStores").EnumerateArray().Select(e => e.GetString()));
        string[] malformed = [.. report.GetProperty("malformed").EnumerateArray().Select(m => Path.GetFileName(m.GetProperty("file").GetString()!))];
        Assert.Equal(["zz-bad-time.json", "zz-deep.json", "zz-empty.json", "zz-huge.json", "zz-not-json.json", "zz-old-format.json", "zz-truncated.json"], malformed);

        // Every CAL counted once, in its week; weeks without one present as zero so the chart has a mark per week.
        var weeks = report.GetProperty("expiriesPerWeek").EnumerateArray().Select(w => (Week: DateOnly.Parse(w.GetProperty("week").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Count: w.GetProperty("count").GetInt32())).ToList();
        Assert.Equal(DeviceCount - 5, weeks.Sum(w => w.Count));
        Assert.All(weeks.Zip(weeks.Skip(1)), p => Assert.Equal(p.First.Week.AddDays(7), p.Second.Week));
    }

    [Fact]
    public async Task TheTerminalTableNamesTheGroupsAndEscapesNames()
    {
        string directory = WriteFleet();
        File.WriteAllText(Path.Combine(directory, "tc-evil.json"), Report("EVIL\u001b]0;owned\u0007", new LicenseStoreSnapshot(Hwid(1000), [])));

        var (exit, output, _) = await HostRunner.RunAsync(Fixed, "fleet", directory);

        Assert.Equal(1, exit);
        Assert.Matches(@"Clones \(devices sharing a HWID\) +2 HWIDs on 6 devices", output);
        Assert.Matches("CALs of another HWID +5 devices", output);
        Assert.Matches("Unreadable stores +5 devices", output);
        Assert.Matches("Malformed reports +7 files", output);
        Assert.Contains("HWID 096ffef8  4 devices: EVIL", output, StringComparison.Ordinal);
        Assert.Contains("EVIL\\x1b]0;owned\\x07", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public async Task NoReportsIsExitTwo()
    {
        var (exit, _, error) = await HostRunner.RunAsync(Fixed, "fleet", _directory);
        Assert.Equal(2, exit);
        Assert.Contains("no reports found", error, StringComparison.Ordinal);
    }

    /// <summary>The page opened in headless Chromium (CI installs it: .ci/field-ux.sh): no console error, one bar per week, tables and chart in the screenshot.</summary>
    [Fact]
    public async Task TheHtmlPageRendersInHeadlessChromium()
    {
        string directory = WriteFleet();
        string page = Path.Combine(_directory, "fleet.html");
        var (exit, output, error) = await HostRunner.RunAsync(Fixed, "fleet", directory, "--html", page, "--json");
        Assert.True(exit == 1, error);
        int weeks = JsonDocument.Parse(output).RootElement.GetProperty("expiriesPerWeek").GetArrayLength();
        string html = File.ReadAllText(page);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        string chromium = HeadlessChromium.Find();
        string screenshot = Path.Combine(_directory, "fleet.png");
        var (dom, console) = await HeadlessChromium.DumpDomAsync(chromium, page);
        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
        Assert.DoesNotContain("Uncaught", console, StringComparison.Ordinal);
        Assert.Equal(weeks, CountOf(dom, "<rect class=\"week\""));
        foreach (string table in new[] { "summary", "clones", "temporary", "foreign", "unreadable", "malformed" })
        {
            Assert.Contains($"<table id=\"{table}\"", dom, StringComparison.Ordinal);
        }

        await HeadlessChromium.ScreenshotAsync(chromium, page, screenshot);
        PngPixels png = PngPixels.Read(screenshot);
        Assert.True(png.Width >= 1000 && png.Height >= 1000, $"{png.Width}x{png.Height}");
        Assert.True(png.Count(0x35, 0x72, 0xb0) > 200, "the chart's bars (#3572b0) are not in the screenshot");
        Assert.True(png.Count(0xee, 0xee, 0xee) > 200, "the tables' heading cells (#eee) are not in the screenshot");
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
