using System.Text.Json;

namespace TsThinLic.Tests.Crypto;

/// <summary>Reads rdpele-vectors.json for the crypto tests (a private copy: the shared loader lives elsewhere).</summary>
internal static class CryptoVectors
{
    private static readonly Lazy<Dictionary<string, JsonElement>> s_vectors = new(Load);

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "vectors", "rdpele-vectors.json");

    /// <summary>A hex field of a vector (<c>hex</c> by default).</summary>
    public static byte[] Hex(string vector, string field = "hex") => Convert.FromHexString(Text(vector, field));

    public static string Text(string vector, string field)
    {
        if (!s_vectors.Value.TryGetValue(vector, out JsonElement element))
        {
            throw new KeyNotFoundException($"No vector named {vector} in {Path}.");
        }

        if (!element.TryGetProperty(field, out JsonElement value))
        {
            throw new KeyNotFoundException($"Vector {vector} has no field {field}.");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }

    private static Dictionary<string, JsonElement> Load()
    {
        using FileStream stream = File.OpenRead(Path);
        using JsonDocument document = JsonDocument.Parse(stream);
        var vectors = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonElement vector in document.RootElement.EnumerateArray())
        {
            vectors.Add(vector.GetProperty("name").GetString()!, vector.Clone());
        }

        return vectors;
    }
}
