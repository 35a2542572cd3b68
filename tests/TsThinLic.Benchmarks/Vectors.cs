using System.Text.Json;

namespace TsThinLic.Benchmarks;

internal static class Vectors
{
    private static readonly Lazy<Dictionary<string, JsonElement>> s_all = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "vectors", "rdpele-vectors.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.Clone());
    });

    public static byte[] Hex(string name, string field = "hex") => Convert.FromHexString(s_all.Value[name].GetProperty(field).GetString()!);
}
