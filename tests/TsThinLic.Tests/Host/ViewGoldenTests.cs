using System.Text.Json;
using TsThinLic.Diagnostics;
using TsThinLic.Host;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Storage;
using TsThinLic.Transport;
using Xunit;
using static TsThinLic.Tests.Host.DoctorStoreKit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Golden output of the text views (issue 15) on fixed stores, fixed doctor findings and fixed probe results, each in
/// the three terminal modes: not a terminal (plain ASCII, no colour: a pipe, a file, CI), a UTF-8 terminal (marks and
/// colour), and a UTF-8 terminal with NO_COLOR / --no-color (marks, no colour).
/// </summary>
public sealed class ViewGoldenTests
{
    private static readonly ClientHardwareId Device = new(0x04010000, [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f]);

    private static readonly ClientHardwareId Other = new(0x04010000, [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf]);

    public static TheoryData<string> Modes => new() { "pipe", "tty", "tty-nocolor" };

    private static TerminalStyle Style(string mode) => mode switch
    {
        "pipe" => TerminalStyle.Plain,
        "tty" => new TerminalStyle(true, true, true),
        _ => new TerminalStyle(true, true, false),
    };

    /// <summary>Runs a view into a TerminalTextWriter over a string, as the host does.</summary>
    private static string Render(Action<TextWriter> view)
    {
        using var inner = new StringWriter { NewLine = "\n" };
        using var writer = new TerminalTextWriter(inner, "standard output");
        view(writer);
        writer.Flush();
        return inner.ToString();
    }

    /// <summary>A permanent CAL in its renewal window, a temporary one, one of another HWID, and bytes that are no CAL.</summary>
    private static LicenseStoreSnapshot FixedStore() => new(Device,
    [
        License(Mint(Device, temporary: false, Now.AddDays(-80), Now.AddDays(4))),
        License(Mint(Device, temporary: true, Now.AddDays(-30), Now.AddDays(60)), Key with { Scope = "WORKGROUP" }),
        License(Mint(Other, temporary: false, Now.AddDays(-10), Now.AddDays(70)), Key with { ProductId = "B02" }),
        License([0x30, 0x03, 0x02, 0x01, 0x00], Key with { CompanyName = "Bad\u001b[31mCo" }),
    ]);

    [Theory]
    [MemberData(nameof(Modes))]
    public void Show(string mode)
        => GoldenFile.AssertMatches($"show-{mode}", Render(w => ShowView.Write(w, Style(mode), "file:/var/lib/tsthinlic/licenses.store", FixedStore(), null, Now, advanced: false)));

    [Theory]
    [MemberData(nameof(Modes))]
    public void ShowAdvanced(string mode)
        => GoldenFile.AssertMatches($"show-advanced-{mode}", Render(w => ShowView.Write(w, Style(mode), "file:/var/lib/tsthinlic/licenses.store", FixedStore(), null, Now, advanced: true)));

    [Fact]
    public void ShowOfAnEmptyStoreWithDamageSaysSo()
    {
        var verification = new StoreVerification("x", [new StoreFinding("slot B", StoreFindingKind.Corrupt, "CRC-32 mismatch at offset 0x1000")], new LicenseStoreSnapshot(null, []));
        GoldenFile.AssertMatches("show-empty-damaged-pipe", Render(w => ShowView.Write(w, TerminalStyle.Plain, "flash:/dev/mtd3", verification.Loaded, verification, Now, advanced: false)));
    }

    private static DoctorReport Healthy()
    {
        var snapshot = new LicenseStoreSnapshot(Device, [License(Mint(Device, temporary: false, Now.AddDays(-20), Now.AddDays(50)))]);
        return Report(snapshot, []);
    }

    private static DoctorReport Warnings()
    {
        // A permanent CAL expired 2 days ago (renewed at the next connection) and an older version beside a newer one:
        // attention, not failure.
        var snapshot = new LicenseStoreSnapshot(Device,
        [
            License(Mint(Device, temporary: false, Now.AddDays(-80), Now.AddDays(-2))),
            License(Mint(Device, temporary: false, Now.AddDays(-20), Now.AddDays(50), major: 5), Key with { Version = 0x00050001 }),
        ]);
        return Report(snapshot, []);
    }

    private static DoctorReport Problems()
    {
        // Another device's CAL, an expired one, and a damaged record.
        var snapshot = new LicenseStoreSnapshot(Device,
        [
            License(Mint(Other, temporary: false, Now.AddDays(-10), Now.AddDays(70))),
            License(Mint(Device, temporary: true, Now.AddDays(-95), Now.AddDays(-5)), Key with { Scope = "WORKGROUP" }),
        ]);
        return Report(snapshot, [new StoreFinding("LICENSE002", StoreFindingKind.Corrupt, "ClientLicense is 3 bytes, not a CAL")], unreachable: true);
    }

    private static DoctorReport Report(LicenseStoreSnapshot snapshot, IReadOnlyList<StoreFinding> findings, bool unreachable = false)
    {
        var verification = new StoreVerification("reg:/tmp/mslicensing.reg", findings, snapshot);
        DoctorCheck server = unreachable
            ? new DoctorCheck(DoctorCheckIds.ServerReachable, DoctorVerdict.Problem, "TCP to rds01:3389 refused (Connection refused)", "start the Remote Desktop Services service on rds01, or open TCP 3389 in its firewall", [], false) { ElapsedMilliseconds = 2 }
            : DoctorCheck.Ok(DoctorCheckIds.ServerReachable, "TCP to rds01:3389 connected") with { ElapsedMilliseconds = 4 };
        return new DoctorReport([server, DoctorCheck.Ok(DoctorCheckIds.StoreAccess, "reg:/tmp/mslicensing.reg: mode 0600, owner uid 0"), .. LicenseDoctor.CheckStoreContent(verification, Now)]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void DoctorHealthy(string mode)
        => GoldenFile.AssertMatches($"doctor-healthy-{mode}", Render(w => DoctorChecklistView.Write(w, Style(mode), Healthy(), "reg:/tmp/mslicensing.reg", "rds01:3389")));

    [Theory]
    [MemberData(nameof(Modes))]
    public void DoctorWarnings(string mode)
        => GoldenFile.AssertMatches($"doctor-warnings-{mode}", Render(w => DoctorChecklistView.Write(w, Style(mode), Warnings(), "reg:/tmp/mslicensing.reg", "rds01:3389")));

    [Theory]
    [MemberData(nameof(Modes))]
    public void DoctorProblems(string mode)
        => GoldenFile.AssertMatches($"doctor-problems-{mode}", Render(w => DoctorChecklistView.Write(w, Style(mode), Problems(), "reg:/tmp/mslicensing.reg", "rds01:3389")));

    [Fact]
    public void DoctorNeverPrintsEmptyFields()
    {
        string text = Render(w => DoctorChecklistView.Write(w, TerminalStyle.Plain, Healthy(), "reg:/tmp/mslicensing.reg", null));
        Assert.DoesNotContain("fix:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("serverEvents", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wipeFixes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("explains", text, StringComparison.Ordinal);
    }

    private static IReadOnlyList<LicensingPduRecord> Pdus() =>
    [
        new(LicensingPduDirection.Server, LicensingMessageType.LicenseRequest, new byte[514], Now),
        new(LicensingPduDirection.Client, LicensingMessageType.NewLicenseRequest, new byte[332], Now),
        new(LicensingPduDirection.Server, LicensingMessageType.PlatformChallenge, new byte[42], Now),
        new(LicensingPduDirection.Client, LicensingMessageType.PlatformChallengeResponse, new byte[70], Now),
        new(LicensingPduDirection.Server, LicensingMessageType.NewLicense, new byte[1867], Now),
    ];

    [Theory]
    [MemberData(nameof(Modes))]
    public void LicenseIssued(string mode)
    {
        var stored = License(Mint(Device, temporary: true, Now, Now.AddDays(90)));
        var result = new LicensingExchangeResult(LicensingOutcome.LicenseIssued, null, Pdus(), Device, true, stored, null, null, null);
        GoldenFile.AssertMatches($"license-issued-{mode}", Render(w => LicenseOutcomeView.Write(w, Style(mode), result, TimeSpan.FromMilliseconds(41.25), null, null)));
    }

    [Fact]
    public void LicenseFailed()
    {
        var failure = new LicensingFailure(LicensingFailureReason.ServerAborted, "the server sent ERR_NO_LICENSE with ST_TOTAL_ABORT", serverErrorCode: LicensingErrorCode.NoLicense, serverStateTransition: LicensingStateTransition.TotalAbort);
        var result = new LicensingExchangeResult(null, failure, Pdus().Take(2).ToList(), Device, false, null, null, null, null);
        GoldenFile.AssertMatches("license-failed-pipe", Render(w => LicenseOutcomeView.Write(w, TerminalStyle.Plain, result, TimeSpan.FromMilliseconds(12), null, null)));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void ProbeValidClient(string mode)
    {
        var result = new ProbeResult("rds01.example", 3389) { Outcome = LicensingOutcome.ValidClient, TlsVersion = "TLS 1.2", SelectedProtocol = NegotiationProtocols.Ssl, Total = TimeSpan.FromMilliseconds(88.5) };
        result.LicensingPdus.AddRange(Pdus().Take(1));
        result.LicensingPdus.Add(new(LicensingPduDirection.Client, LicensingMessageType.ErrorAlert, new byte[16], Now));
        result.Phases.Add(new PhaseTiming(ConnectionPhase.ConnectionInitiation, TimeSpan.FromMilliseconds(3)));
        result.Phases.Add(new PhaseTiming(ConnectionPhase.Licensing, TimeSpan.FromMilliseconds(60.5)));
        GoldenFile.AssertMatches($"probe-valid-client-{mode}", Render(w => ProbeOutcomeView.Write(w, Style(mode), result, ProbeCommand.Meaning(result), null, null, null)));
    }

    [Fact]
    public void ProbeWithTheServersVerdictSaysItUnderTheOutcome()
    {
        var result = new ProbeResult("rds01.example", 3389) { Outcome = LicensingOutcome.ValidClient, Total = TimeSpan.FromMilliseconds(20) };
        (string, bool) verdict = (ProbeOutcomeView.VerdictSentence(false, "set-error-info", "ERRINFO_LICENSE_NO_LICENSE", "no license was available", "add CALs to the license server"), false);
        GoldenFile.AssertMatches("probe-verdict-refused-pipe", Render(w => ProbeOutcomeView.Write(w, TerminalStyle.Plain, result, ProbeCommand.Meaning(result), verdict, null, null)));
    }

    [Fact]
    public void ProbeRefused()
    {
        var result = new ProbeResult("10.0.0.9", 3389) { Failure = new ConnectionFailure(ConnectionFailureReason.ConnectFailed, ConnectionPhase.TcpConnect, "connect to 10.0.0.9:3389: Connection refused"), Total = TimeSpan.FromMilliseconds(1) };
        GoldenFile.AssertMatches("probe-refused-pipe", Render(w => ProbeOutcomeView.Write(w, TerminalStyle.Plain, result, ProbeCommand.Meaning(result), null, null, null)));
    }

    [Fact]
    public async Task ShowAndDoctorCommandsPrintTheViewsAndJsonKeepsItsShape()
    {
        string directory = StoreTestKit.TempDirectory();
        try
        {
            string store = Write("reg", directory, Device, [License(Mint(Device, temporary: true, Now.AddDays(-3), Now.AddDays(87)))]);
            var environment = new DoctorEnvironment { Time = new ManualTimeProvider(Now), Terminal = TerminalStyle.Plain, DeviceName = "TC-0042" };

            var (showExit, show, showError) = await HostRunner.RunAsync(environment, "show", "--store", store);
            Assert.True(showExit == 0, showError);
            GoldenFile.AssertMatches("show-command-pipe", show.Replace(directory, "<dir>", StringComparison.Ordinal));

            var (_, showJson, _) = await HostRunner.RunAsync(environment, "show", "--store", store, "--json");
            JsonElement cal = JsonDocument.Parse(showJson).RootElement.GetProperty("licenses")[0];
            Assert.Equal("A02-6.00-S", cal.GetProperty("licenseId").GetString());
            Assert.Equal("0x00060000", cal.GetProperty("storeKey").GetProperty("version").GetString());

            var (doctorExit, doctorJson, doctorError) = await HostRunner.RunAsync(environment, "doctor", "--store", store, "--json");
            Assert.True(doctorExit == 0, doctorError);
            JsonElement device = JsonDocument.Parse(doctorJson).RootElement.GetProperty("device");
            Assert.Equal("TC-0042", device.GetProperty("name").GetString());
            Assert.Equal("2026-06-01T08:00:00Z", device.GetProperty("time").GetString());
            Assert.Equal(DoctorDeviceSummary.Hash(Device), device.GetProperty("hwidHash").GetString());
            Assert.Equal(DoctorDeviceSummary.Hash(Device)[..8], device.GetProperty("hwidFingerprint").GetString());
            Assert.Equal(87, device.GetProperty("cals")[0].GetProperty("daysLeft").GetInt32());
            Assert.True(device.GetProperty("cals")[0].GetProperty("temporary").GetBoolean());

            var (_, doctorText, _) = await HostRunner.RunAsync(environment, "doctor", "--store", store, "--no-color");
            Assert.StartsWith("Store reg:", doctorText, StringComparison.Ordinal);
            Assert.Contains("[ok]   Store records", doctorText, StringComparison.Ordinal);
            Assert.Matches(@"\(\d ok, 1 skipped\)\.\n$", doctorText.ReplaceLineEndings("\n"));
            Assert.DoesNotContain("wipeFixes", doctorText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void NoColorOptionAndVariableTurnColourOff()
    {
        Assert.False(TerminalStyle.Detect(noColorOption: true, _ => null, outputIsTerminal: true).Color);
        Assert.False(TerminalStyle.Detect(false, n => n == "NO_COLOR" ? "1" : "en_US.UTF-8", true).Color);
        Assert.True(TerminalStyle.Detect(false, n => n == "LANG" ? "en_US.UTF-8" : null, true) is { Color: true, Unicode: true, Terminal: true });
        Assert.True(TerminalStyle.Detect(false, n => n == "LANG" ? "C" : null, true) is { Color: true, Unicode: false });
        Assert.Equal(TerminalStyle.Plain, TerminalStyle.Detect(false, n => n == "LANG" ? "en_US.UTF-8" : null, outputIsTerminal: false));
    }

    [Fact]
    public void StylingIsOnlyDigitsAndSemicolons()
        => Assert.Throws<ArgumentException>(() => new TerminalTextWriter(new StringWriter(), "x").WriteStyle("31m\u001b]0;pwned"));
}
