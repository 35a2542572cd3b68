using System.Text.Json;

namespace TsThinLic.Diagnostics;

/// <summary>Writes fields as JSON through <see cref="Utf8JsonWriter"/> (no reflection, so it trims and AOT-compiles).</summary>
public sealed class JsonFieldWriter(Utf8JsonWriter writer) : IFieldWriter
{
    private readonly Utf8JsonWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    public void WriteString(string name, string value) => _writer.WriteString(name, value);

    public void WriteNumber(string name, long value) => _writer.WriteNumber(name, value);

    public void WriteBoolean(string name, bool value) => _writer.WriteBoolean(name, value);

    public void WriteHex(string name, ReadOnlySpan<byte> value) => _writer.WriteString(name, Convert.ToHexStringLower(value));

    public void StartObject(string name) => _writer.WriteStartObject(name);

    public void EndObject() => _writer.WriteEndObject();

    public void StartArray(string name) => _writer.WriteStartArray(name);

    public void EndArray() => _writer.WriteEndArray();

    public void WriteStringElement(string value) => _writer.WriteStringValue(value);

    public void WriteNumberElement(long value) => _writer.WriteNumberValue(value);

    public void StartObjectElement() => _writer.WriteStartObject();
}
