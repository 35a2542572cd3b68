using System.Diagnostics;
using System.Globalization;
using TsThinLic.Tests.Connection;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Wireshark's command-line dissector as the implementation we did not write: runs <c>tshark -r FILE -o
/// tls.keylog_file:KEYLOG -x</c> and reads every "Decrypted TLS" data source it prints, by frame. .ci/run and
/// tests/run.sh install tshark; without it the tests that need it fail and say so (unless integration tests are off).
/// </summary>
internal static class Tshark
{
    /// <summary>Whether tshark should be used: false when TSTHINLIC_INTEGRATION=off; fails the test when it is missing.</summary>
    public static bool Available()
    {
        if (XrdpServers.IntegrationOff)
        {
            return false;
        }

        string? path = Find("tshark");
        Assert.True(path is not null, "tshark is not installed: .ci/run and tests/run.sh install it (apt-get install tshark), or set TSTHINLIC_INTEGRATION=off");
        return true;
    }

    public static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    /// <summary>The plaintext of every record tshark decrypted, by frame number (1-based), in the order it shows them.</summary>
    public static Dictionary<int, List<byte[]>> DecryptedRecords(string capture, string keyLog)
    {
        string output = Run(Find("tshark")!, ["-r", capture, "-o", "tls.keylog_file:" + keyLog, "-x"]);
        var records = new Dictionary<int, List<byte[]>>();
        int frame = 1;
        List<byte>? current = null;
        void Close()
        {
            if (current is not null)
            {
                (records.TryGetValue(frame, out List<byte[]>? list) ? list : records[frame] = []).Add([.. current]);
                current = null;
            }
        }

        foreach (string line in output.Split('\n'))
        {
            if (line.Length == 0)
            {
                // -x prints one block per frame, blank line after each.
                Close();
                frame++;
                continue;
            }

            if (line.EndsWith("bytes):", StringComparison.Ordinal))
            {
                Close();
                current = line.StartsWith("Decrypted TLS (", StringComparison.Ordinal) ? [] : null;
                continue;
            }

            if (current is not null)
            {
                // "0000  14 00 00 0c …   ascii": the offset, two spaces, then 16 columns of "xx ".
                int start = line.IndexOf("  ", StringComparison.Ordinal) + 2;
                for (int column = 0; column < 16 && start + (3 * column) + 2 <= line.Length; column++)
                {
                    string pair = line.Substring(start + (3 * column), 2);
                    if (!byte.TryParse(pair, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte value))
                    {
                        break;
                    }

                    current.Add(value);
                }
            }
        }

        Close();
        return records;
    }

    private static string Run(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} did not finish within 120 s");
        }

        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
