using System.Globalization;
using System.Text.Json;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// Reads the <c>doctor --json</c> reports a fleet sent in, bounded: at most <see cref="MaxReports"/> files, each at
/// most <see cref="MaxReportBytes"/>, at most <see cref="MaxCalsPerDevice"/> CALs each; a file that is not such a
/// report (not JSON, no <c>device</c> object, a field of the wrong type, too large) is listed with why, never a crash.
/// A directory stands for the <c>*.json</c> files directly in it.
/// </summary>
internal static class FleetReportReader
{
    /// <summary>A doctor report is a few KiB; 1 MiB leaves room and stops a stray disk image.</summary>
    public const int MaxReportBytes = 1 << 20;

    /// <summary>How many reports one run reads (the rest are counted, not read).</summary>
    public const int MaxReports = 100_000;

    /// <summary>More CALs than any store holds (one per product and scope).</summary>
    public const int MaxCalsPerDevice = 64;

    /// <summary>The files named: each file as given, each directory's *.json in name order.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (string file in Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    /// <summary>Reads one report; false with <paramref name="problem"/> when the file is unreadable or not a doctor report.</summary>
    public static bool TryRead(string path, out FleetDevice? device, out string problem)
    {
        device = null;
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAll(path, MaxReportBytes);
        }
        catch (FileFaultException fault)
        {
            problem = fault.Message;
            return false;
        }

        return TryParse(path, bytes, out device, out problem);
    }

    /// <summary>Parses one report's bytes.</summary>
    public static bool TryParse(string path, ReadOnlySpan<byte> bytes, out FleetDevice? device, out string problem)
    {
        device = null;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 16 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("device", out JsonElement d) || d.ValueKind != JsonValueKind.Object)
            {
                problem = "not a doctor --json report of this version (no \"device\" object: run tsthinlic doctor --json from this release)";
                return false;
            }

            string name = String(d, "name");
            if (!DateTimeOffset.TryParse(String(d, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
            {
                problem = "device.time is missing or not a time";
                return false;
            }

            int problems = root.TryGetProperty("problems", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
            bool readable = d.TryGetProperty("storeReadable", out JsonElement r) && r.ValueKind == JsonValueKind.True && !HasProblem(root, "store-access") && !HasProblem(root, "corrupt-records");
            var cals = new List<FleetCal>();
            if (d.TryGetProperty("cals", out JsonElement array) && array.ValueKind == JsonValueKind.Array)
            {
                if (array.GetArrayLength() > MaxCalsPerDevice)
                {
                    problem = $"device.cals holds {array.GetArrayLength()} CALs, more than the {MaxCalsPerDevice} any store holds";
                    return false;
                }

                foreach (JsonElement cal in array.EnumerateArray())
                {
                    if (cal.ValueKind != JsonValueKind.Object)
                    {
                        problem = "device.cals holds something that is not an object";
                        return false;
                    }

                    DateTimeOffset? expires = DateTimeOffset.TryParse(String(cal, "expiresOn"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset e) ? e : null;
                    bool foreign = cal.TryGetProperty("hwidMatchesDevice", out JsonElement m) && m.ValueKind == JsonValueKind.False;
                    bool temporary = cal.TryGetProperty("temporary", out JsonElement t) && t.ValueKind == JsonValueKind.True;
                    cals.Add(new FleetCal(String(cal, "licenseId"), temporary, expires, foreign));
                }
            }

            device = new FleetDevice(path, name.Length > 0 ? name : Path.GetFileNameWithoutExtension(path), time, readable, String(d, "hwidFingerprint"), String(d, "hwidHash"), problems, cals);
            problem = string.Empty;
            return true;
        }
        catch (JsonException exception)
        {
            problem = $"not JSON: {exception.Message}";
            return false;
        }
        catch (InvalidOperationException exception)
        {
            // A number too large for its field (GetInt32) and the like.
            problem = $"a field has the wrong type: {exception.Message}";
            return false;
        }
    }

    private static bool HasProblem(JsonElement root, string id)
        => root.TryGetProperty("checks", out JsonElement checks) && checks.ValueKind == JsonValueKind.Array
            && checks.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.Object && String(c, "id") == id && String(c, "verdict") == "problem");

    private static string String(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
