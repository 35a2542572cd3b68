using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Golden output: what a view prints, kept under Host/Golden/NAME.txt beside this file (ESC shown as <c>\e</c> so the
/// SGR sequences read in a diff). TSTHINLIC_UPDATE_GOLDEN=1 rewrites the files instead of comparing: review the diff.
/// </summary>
internal static partial class GoldenFile
{
    public static void AssertMatches(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden", name + ".txt");
        string shown = actual.Replace("\u001b", "\\e", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("TSTHINLIC_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, shown);
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {path}: run with TSTHINLIC_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), shown);
    }

    /// <summary>Replaces what a real run makes different each time: dates, HWID fingerprints, milliseconds, temp paths.</summary>
    public static string Normalise(string text, string? directory = null)
    {
        if (directory is not null)
        {
            text = text.Replace(directory, "<dir>", StringComparison.Ordinal);
        }

        text = DatePattern().Replace(text, "YYYY-MM-DD");
        text = FingerprintPattern().Replace(text, "fingerprint ffffffff");
        return MillisecondsPattern().Replace(text, "N ms");
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"fingerprint [0-9a-f]{8}")]
    private static partial Regex FingerprintPattern();

    [GeneratedRegex(@"[0-9.]+ ms")]
    private static partial Regex MillisecondsPattern();
}
