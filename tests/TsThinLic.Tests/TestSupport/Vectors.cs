using System.Globalization;
using System.Text.Json;

namespace TsThinLic.Tests.TestSupport;

/// <summary>Loads fixtures/vectors/rdpele-vectors.json (copied to the test output folder) and reads its fields.</summary>
public static class Vectors
{
    private static readonly Lazy<IReadOnlyList<KeyValuePair<string, JsonElement>>> s_vectors = new(Load);

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "fixtures", "vectors", "rdpele-vectors.json");

    /// <summary>The names of the vectors of one kind ("pdu", "crypto"), in file order.</summary>
    public static IEnumerable<string> Names(string kind)
        => s_vectors.Value.Where(v => v.Value.GetProperty("kind").GetString() == kind).Select(v => v.Key);

    public static JsonElement Entry(string name)
    {
        foreach (KeyValuePair<string, JsonElement> vector in s_vectors.Value)
        {
            if (vector.Key == name)
            {
                return vector.Value;
            }
        }

        throw new KeyNotFoundException($"No vector named {name} in {FilePath}.");
    }

    /// <summary>The vector's bytes (its <c>hex</c> field), or another hex field.</summary>
    public static byte[] Hex(string name, string field = "hex") => Convert.FromHexString(Text(name, field));

    public static bool Has(string name, string field) => Entry(name).TryGetProperty(field, out _);

    /// <summary>A field as text: strings as they are, numbers as their JSON text.</summary>
    public static string Text(string name, string field)
    {
        if (!Entry(name).TryGetProperty(field, out JsonElement value))
        {
            throw new KeyNotFoundException($"Vector {name} has no field {field}.");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }

    /// <summary>
    /// A numeric field: a JSON number, or a string whose first word is a number ("0x83 (EXTENDED_ERROR_MSG_SUPPORTED|v3)").
    /// </summary>
    public static uint Number(string name, string field)
    {
        string text = Text(name, field).Trim();
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        string word = space < 0 ? text : text[..space];
        return word.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.Parse(word.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : uint.Parse(word, CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<KeyValuePair<string, JsonElement>> Load()
    {
        using FileStream stream = File.OpenRead(FilePath);
        using JsonDocument document = JsonDocument.Parse(stream);
        var vectors = new List<KeyValuePair<string, JsonElement>>();
        foreach (JsonElement vector in document.RootElement.EnumerateArray())
        {
            vectors.Add(new(vector.GetProperty("name").GetString()!, vector.Clone()));
        }

        return vectors;
    }
}
