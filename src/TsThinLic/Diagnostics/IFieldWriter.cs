namespace TsThinLic.Diagnostics;

/// <summary>
/// Where a description of a PDU, a CAL or an outcome goes: the same calls produce the JSON a script reads and the
/// text a person reads, so the two never disagree. Names are lowerCamelCase after the spec's fields.
/// </summary>
public interface IFieldWriter
{
    void WriteString(string name, string value);

    void WriteNumber(string name, long value);

    void WriteBoolean(string name, bool value);

    /// <summary>Bytes, written as lowercase hex.</summary>
    void WriteHex(string name, ReadOnlySpan<byte> value);

    void StartObject(string name);

    void EndObject();

    void StartArray(string name);

    void EndArray();

    /// <summary>An array element that is a string.</summary>
    void WriteStringElement(string value);

    /// <summary>An array element that is a number.</summary>
    void WriteNumberElement(long value);

    /// <summary>An array element that is an object; end it with <see cref="EndObject"/>.</summary>
    void StartObjectElement();
}
