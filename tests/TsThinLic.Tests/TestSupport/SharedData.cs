using System.Text.Json;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.TestSupport;

/// <summary>
/// The team's shared data no one here wrote (../shared beside the repository, as CI has it): read in place, never
/// copied into the repository. A missing file fails the test with the path it looked for.
/// </summary>
internal static class SharedData
{
    public static string PathOf(params string[] parts)
    {
        string path = Path.GetFullPath(Path.Combine([StoreTestKit.RepositoryRoot(), "..", "shared", .. parts]));
        if (!File.Exists(path))
        {
            Assert.Fail($"The shared data file {path} is missing: CI checks ../shared out beside the repository.");
        }

        return path;
    }

    /// <summary>A JSON file of ../shared as a list of its top-level array's elements.</summary>
    public static IReadOnlyList<JsonElement> JsonArray(params string[] parts)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(PathOf(parts)));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
