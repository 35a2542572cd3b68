using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using TsThinLic.Diagnostics;
using TsThinLic.Emulator;
using TsThinLic.Host;
using TsThinLic.Records;
using TsThinLic.Storage.Files;
using TsThinLic.Storage;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Issue 11, part 5: text from a server, a CAL, a capture, a store or an import reaches the terminal escaped
/// (<see cref="TerminalText"/>), and JSON stays valid and exact. The issue's forged <c>hwidMatchesDevice: yes</c> line
/// and ANSI escapes come in through a CAL's names and a store key's scope.
/// </summary>
public sealed class OutputHygieneTests : IDisposable
{
    private const string Forged = "TC-0042\n    hwidMatchesDevice: yes";
    private const string Ansi = "\u001b[2J\u001b[31malice\u001b[0m";
    private const string HostileScope = "micro\u202Esoft.com\u009b\u007f\r";

    private readonly string _directory = StoreTestKit.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("plain text, é and 中文", "plain text, é and 中文")]
    [InlineData("a\nb", "a\\x0ab")]
    [InlineData("a\r\nb", "a\\x0d\\x0ab")]
    [InlineData("\u001b[31m", "\\x1b[31m")]
    [InlineData("tab\there", "tab\\x09here")]
    [InlineData("nul\0", "nul\\x00")]
    [InlineData("del\u007f", "del\\x7f")]
    [InlineData("csi\u009b2J", "csi\\x9b2J")]
    [InlineData("rlo\u202Eevil", "rlo\\u202eevil")]
    [InlineData("isolates\u2066\u2067\u2068\u2069", "isolates\\u2066\\u2067\\u2068\\u2069")]
    [InlineData("marks\u200E\u200F\u061C", "marks\\u200e\\u200f\\u061c")]
    [InlineData("separators\u2028\u2029", "separators\\u2028\\u2029")]
    public void EscapeShowsEveryControlAsText(string raw, string shown)
    {
        Assert.Equal(shown, TerminalText.Escape(raw));
    }

    [Theory]
    [InlineData("line one\nline two\n", "line one\nline two\n")]
    [InlineData("windows\r\nline\r\n", "windows\r\nline\r\n")]
    [InlineData("a lone CR\rforges", "a lone CR\\x0dforges")]
    [InlineData("\t\u001b]0;title\u0007", "\t\\x1b]0;title\\x07")]
    public void WholeOutputKeepsItsOwnLineEndsOnly(string raw, string shown)
    {
        Assert.Equal(shown, TerminalText.EscapeKeepingLines(raw));
        var inner = new StringWriter();
        new TerminalTextWriter(inner, "test").Write(raw);
        Assert.Equal(shown, inner.ToString());
    }

    /// <summary>A file store on this device holding one CAL minted with hostile names, under a hostile scope.</summary>
    private string HostileStore()
    {
        string path = Path.Combine(_directory, "licenses.store");
        var minter = new CalMinter(EmulatorKeys.Rsa2048, EmulatorKeys.Rsa512.PublicKey, "LS\u001b[1m01", "00000-00000-00000-AA000", HostileScope, DateTimeOffset.UtcNow.AddYears(-1));
        var hwid = StoreTestKit.Hwid(0x42);
        byte[] cal = minter.Mint(new CalMintRequest { HardwareId = hwid, MachineName = Forged, UserName = Ansi, LicenseId = "A02-6.00-S", MajorVersion = 6, NotBefore = DateTimeOffset.UtcNow.AddDays(-1), NotAfter = DateTimeOffset.UtcNow.AddDays(60) });
        var key = new LicenseKey(0x00060000, HostileScope, "Microsoft\nCorporation", "A02");
        new FileLicenseStore(path, DeviceIdentity.Fingerprint()).ReplaceContents(new LicenseStoreContents(hwid, DeviceIdentity.Fingerprint(), [new StoredLicense(key, cal, DateTimeOffset.UtcNow)]));
        return "file:" + path;
    }

    [Fact]
    public async Task ShowPrintsHostileCalNamesEscapedAndTheJsonExact()
    {
        string store = HostileStore();

        var (textExit, text, textError) = await HostRunner.RunAsync("show", "--store", store, "--advanced");
        var (jsonExit, json, _) = await HostRunner.RunAsync("show", "--store", store, "--json");

        Assert.True(textExit == 0, textError);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u202E', text);
        Assert.DoesNotContain('\u009b', text);
        Assert.DoesNotContain('\r', text);
        // The forged line stays inside the Issued to line's value (issue 15's view): no line of its own.
        Assert.DoesNotContain(text.Split('\n'), line => line.TrimStart().StartsWith("hwidMatchesDevice:", StringComparison.Ordinal));
        Assert.Contains(@"Issued to:      machine TC-0042\x0a    hwidMatchesDevice: yes, user \x1b[2J\x1b[31malice\x1b[0m", text, StringComparison.Ordinal);
        Assert.Contains(@"Issuer:         LS\x1b[1m01, scope micro\u202esoft.com\x9b\x7f\x0d", text, StringComparison.Ordinal);
        Assert.Contains(@"company Microsoft\x0aCorporation", text, StringComparison.Ordinal);

        Assert.Equal(0, jsonExit);
        JsonElement license = JsonDocument.Parse(json).RootElement.GetProperty("licenses")[0];
        Assert.Equal(Forged, license.GetProperty("issuedToMachine").GetString());
        Assert.Equal(Ansi, license.GetProperty("issuedToUser").GetString());
        Assert.Equal(HostileScope, license.GetProperty("storeKey").GetProperty("scope").GetString());
        Assert.DoesNotContain('\u001b', json);
    }

    [Fact]
    public async Task AnImportWithControlCharactersIsPrintedEscaped()
    {
        string source = HostileStore();
        string export = Path.Combine(_directory, "hostile.json");
        Assert.Equal(0, (await HostRunner.RunAsync("export", export, "--store", source)).ExitCode);

        var (exit, text, error) = await HostRunner.RunAsync("import", export, "--store", "file:" + Path.Combine(_directory, "other.store"), "--yes");

        Assert.True(exit == 0, error);
        Assert.DoesNotContain('\u001b', text + error);
        Assert.DoesNotContain('\u202E', text + error);
        Assert.Contains(@"micro\u202esoft.com", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerboseProbeAndLicenseServerPrintTheLog()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (_, _, probeLog) = await HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--timeout", "2", "--verbose");
        var (_, _, licenseLog) = await HostRunner.RunAsync("license", "--server", $"127.0.0.1:{port}", "--store", "memory", "--timeout", "2", "--verbose");

        // RdpLog 600 (connecting, Debug) and the failure (Warning): silent before, as no logger reached the probe.
        Assert.Contains("dbug [600] Connecting to 127.0.0.1", probeLog, StringComparison.Ordinal);
        Assert.Contains("dbug [600] Connecting to 127.0.0.1", licenseLog, StringComparison.Ordinal);
        var (_, _, quiet) = await HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--timeout", "2");
        Assert.DoesNotContain("dbug", quiet, StringComparison.Ordinal);
    }
}
