using System.Text.Json;
using TsThinLic.Replay;

namespace TsThinLic.Fuzzing;

/// <summary>
/// Where seed corpora come from: the repository's fixtures/ and, when it is there, the team's ../shared (read at run
/// time, never copied into the repository).
/// </summary>
public sealed class SeedSources
{
    public SeedSources(string fixturesDirectory, string? sharedDirectory)
    {
        FixturesDirectory = fixturesDirectory;
        SharedDirectory = sharedDirectory is not null && Directory.Exists(sharedDirectory) ? sharedDirectory : null;
    }

    /// <summary>fixtures/ of the repository.</summary>
    public string FixturesDirectory { get; }

    /// <summary>../shared beside the repository, or null when absent.</summary>
    public string? SharedDirectory { get; }

    /// <summary>Finds fixtures/ and ../shared from <paramref name="start"/> or one of its parents (the repository root).</summary>
    public static SeedSources Locate(string start)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TsThinLic.sln")) && Directory.Exists(Path.Combine(directory.FullName, "fixtures")))
            {
                return new SeedSources(Path.Combine(directory.FullName, "fixtures"), Path.Combine(directory.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException($"No repository root (TsThinLic.sln beside fixtures/) at or above {start}.");
    }

    /// <summary>The files under fixtures/<paramref name="relativeDirectory"/> that match, in a stable order.</summary>
    public IEnumerable<string> Fixtures(string relativeDirectory, string pattern, bool recursive = false)
    {
        string directory = Path.Combine(FixturesDirectory, relativeDirectory);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>The files under ../shared/<paramref name="relativeDirectory"/> that match, or none without ../shared.</summary>
    public IEnumerable<string> Shared(string relativeDirectory, string pattern, bool recursive = false)
    {
        if (SharedDirectory is null)
        {
            return [];
        }

        string directory = Path.Combine(SharedDirectory, relativeDirectory);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>A fixture file as a seed named after it.</summary>
    public static FuzzSeed FromFile(string path) => new(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>
    /// Every JSON object with a <c>hex</c> member in the vector files (fixtures/vectors, ../shared/vectors and
    /// ../shared/windows-licensing), with its <c>name</c>, <c>kind</c>, <c>msg_type</c> and the file's name, for the
    /// target to pick from.
    /// </summary>
    public IEnumerable<HexVector> HexVectors()
    {
        IEnumerable<string> files = Fixtures("vectors", "*.json")
            .Concat(Shared("vectors", "*.json"))
            .Concat(Shared("windows-licensing", "*.json"));
        foreach (string file in files)
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file));
            var found = new List<HexVector>();
            Collect(document.RootElement, Path.GetFileNameWithoutExtension(file), found);
            foreach (HexVector vector in found)
            {
                yield return vector;
            }
        }
    }

    /// <summary>The transcripts of fixtures/transcripts, parsed.</summary>
    public IEnumerable<ReplayExchange> Transcripts()
    {
        foreach (string path in Fixtures("transcripts", "*.transcript"))
        {
            if (TranscriptFormat.TryParse(path, File.ReadAllText(path), out IReadOnlyList<ReplayExchange> exchanges, out _))
            {
                foreach (ReplayExchange exchange in exchanges)
                {
                    yield return exchange;
                }
            }
        }
    }

    private static void Collect(JsonElement element, string file, List<HexVector> found)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Collect(item, file, found);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (element.TryGetProperty("hex", out JsonElement hex) && hex.ValueKind == JsonValueKind.String && TryHex(hex.GetString()!, out byte[]? bytes))
        {
            found.Add(new HexVector(
                file,
                Text(element, "name") ?? $"{file}-{found.Count}",
                Text(element, "kind"),
                Text(element, "msg_type"),
                Text(element, "security_header_hex") is { } header && TryHex(header, out byte[]? headerBytes) ? headerBytes : null,
                bytes));
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Collect(property.Value, file, found);
            }
        }
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryHex(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length == 0 || text.Length % 2 != 0)
        {
            return false;
        }

        byte[] decoded = new byte[text.Length / 2];
        if (Convert.FromHexString(text, decoded, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        bytes = decoded;
        return true;
    }
}
