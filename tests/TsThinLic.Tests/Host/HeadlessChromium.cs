using System.Diagnostics;

namespace TsThinLic.Tests.Host;

/// <summary>Headless Chromium, run as a process with a bounded wait: the fleet page's DOM, console and a screenshot.</summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>chromium on PATH (Debian's package; .ci/field-ux.sh installs it); a missing one fails the test and says how to get it.</summary>
    public static string Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw new InvalidOperationException("headless Chromium is not installed: apt-get install chromium (bash .ci/field-ux.sh does it)");
    }

    public static async Task<(string Dom, string Console)> DumpDomAsync(string chromium, string page)
    {
        var (stdout, stderr) = await RunAsync(chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", new Uri(page).AbsoluteUri);
        return (stdout, stderr);
    }

    public static Task ScreenshotAsync(string chromium, string page, string png)
        => RunAsync(chromium, $"--screenshot={png}", "--window-size=1280,2000", "--hide-scrollbars", new Uri(page).AbsoluteUri);

    private static async Task<(string Stdout, string Stderr)> RunAsync(string chromium, params string[] args)
    {
        string profile = Path.Combine(Path.GetTempPath(), "tsthinlic-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", $"--user-data-dir={profile}" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(s_timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish in {s_timeout.TotalSeconds} s");
            }

            string err = await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited {process.ExitCode}: {err}");
            }

            // Chromium's own noise (dbus, GPU) is not the page's: keep the lines that carry the page's console.
            return (await stdout, string.Join('\n', err.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal))));
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }
}
