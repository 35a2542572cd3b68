using System.Diagnostics;
using System.Text;
using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;
using TsThinLic.Tests.Host;
using TsThinLic.Tests.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// <c>tsthinlic probe --keylog FILE</c> and SSLKEYLOGFILE against xrdp's TLS mode: one CLIENT_RANDOM line per
/// connection, in a file only its owner can read; and, with the connection captured on the loopback while it runs,
/// Wireshark (tshark) decrypts the capture with that line and so does <c>tsthinlic replay --keylog</c>. The
/// SSLKEYLOGFILE test changes the process environment, so this class runs alone.
/// </summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class ProbeKeyLogTests
{
    [Fact]
    public async Task KeylogAppendsOneClientRandomLineToAnOwnerOnlyFile()
    {
        if (XrdpServers.Port("tls") is not { } port)
        {
            return;
        }

        string keyLog = TempPath("keylog");
        try
        {
            var (exit, output, error) = await HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--security", "tls", "--keylog", keyLog);
            Assert.True(exit == 0, error + output);
            var (again, _, _) = await HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--security", "tls", "--keylog", keyLog);
            Assert.Equal(0, again);

            string[] lines = File.ReadAllLines(keyLog);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Matches("^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$", l));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyLog));
            }
        }
        finally
        {
            File.Delete(keyLog);
        }
    }

    [Fact]
    public async Task SslKeyLogFileIsHonouredWhenKeylogIsNotGiven()
    {
        if (XrdpServers.Port("tls") is not { } port)
        {
            return;
        }

        string keyLog = TempPath("sslkeylogfile");
        string? before = Environment.GetEnvironmentVariable("SSLKEYLOGFILE");
        try
        {
            Environment.SetEnvironmentVariable("SSLKEYLOGFILE", keyLog);
            var (exit, output, error) = await HostRunner.RunAsync("license", "--server", $"127.0.0.1:{port}", "--store", "memory", "--timeout", "10");
            Assert.True(exit == 0, error + output);

            Assert.Matches("^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$", Assert.Single(File.ReadAllLines(keyLog)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SSLKEYLOGFILE", before);
            File.Delete(keyLog);
        }
    }

    [Fact]
    public async Task KeylogWithoutServerIsRefusedByLicense()
    {
        var (exit, _, error) = await HostRunner.RunAsync("license", "--store", "memory", "--keylog", TempPath("unused"));

        Assert.Equal(2, exit);
        Assert.Contains("--keylog needs --server", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TsharkDecryptsALiveCaptureOfTheProbeWithItsKeyLog()
    {
        if (XrdpServers.Port("tls") is not { } port || !Tshark.Available())
        {
            return;
        }

        string dumpcap = Tshark.Find("dumpcap") ?? throw new InvalidOperationException("dumpcap (tshark's capture engine) is missing");
        string capture = TempPath("pcapng");
        string keyLog = TempPath("keylog");
        var start = new ProcessStartInfo(dumpcap) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-q", "-i", "lo", "-f", $"tcp port {port}", "-w", capture])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        try
        {
            // dumpcap says "File: …" on stderr once it captures.
            string? line;
            var started = new StringBuilder();
            while ((line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20))) is not null && !line.StartsWith("File:", StringComparison.Ordinal))
            {
                started.AppendLine(line);
            }

            Assert.True(line is not null, $"dumpcap did not start capturing: {started}");
            var (exit, output, error) = await HostRunner.RunAsync("probe", $"127.0.0.1:{port}", "--security", "tls", "--keylog", keyLog);
            Assert.True(exit == 0, error + output);
            await Task.Delay(500);
        }
        finally
        {
            // SIGTERM: dumpcap flushes and closes the file.
            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            if (!process.WaitForExit(10_000))
            {
                process.Kill();
            }
        }

        try
        {
            Dictionary<int, List<byte[]>> theirs = Tshark.DecryptedRecords(capture, keyLog);
            Assert.True(theirs.Values.Sum(r => r.Count) >= 4, "tshark decrypted fewer than the two Finished messages and two application data records");

            Assert.True(DecryptionKeys.TryLoad([keyLog], [], [], out DecryptionKeys keys, out string keyError), keyError);
            ReplayInput input = ReplayInputLoader.Load(capture, keys);
            ReplayExchange exchange = Assert.Single(input.Exchanges);
            Assert.Contains("2 of 2 Finished messages verified", exchange.Notes[0], StringComparison.Ordinal);
            Assert.Equal(ReplayVerdict.Pass, ReplayRunner.Run(exchange).Verdict);
        }
        finally
        {
            File.Delete(capture);
            File.Delete(keyLog);
        }
    }

    private static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"tsthinlic-{Guid.NewGuid():N}.{extension}");
}

/// <summary>Tests that change the process environment (SSLKEYLOGFILE) run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
}
