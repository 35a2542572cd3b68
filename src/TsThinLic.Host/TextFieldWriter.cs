using System.Globalization;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>Writes fields as indented "name: value" lines for people; long hex is wrapped.</summary>
public sealed class TextFieldWriter(TextWriter writer) : IFieldWriter
{
    private const int HexBytesPerLine = 32;

    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));
    private readonly Stack<int> _arrayIndex = new();
    private int _depth;

    public void WriteString(string name, string value) => Line(name, value);

    public void WriteNumber(string name, long value) => Line(name, value.ToString(CultureInfo.InvariantCulture));

    public void WriteBoolean(string name, bool value) => Line(name, value ? "yes" : "no");

    public void WriteHex(string name, ReadOnlySpan<byte> value)
    {
        if (value.Length <= HexBytesPerLine)
        {
            Line(name, value.IsEmpty ? "(empty)" : Convert.ToHexStringLower(value));
            return;
        }

        Line(name, $"({value.Length} bytes)");
        string pad = new(' ', (_depth + 1) * 2);
        for (int offset = 0; offset < value.Length; offset += HexBytesPerLine)
        {
            ReadOnlySpan<byte> chunk = value.Slice(offset, Math.Min(HexBytesPerLine, value.Length - offset));
            _writer.WriteLine($"{pad}{offset:x4}  {Convert.ToHexStringLower(chunk)}");
        }
    }

    public void StartObject(string name)
    {
        Line(name, string.Empty);
        _depth++;
    }

    public void EndObject() => _depth--;

    public void StartArray(string name)
    {
        Line(name, string.Empty);
        _depth++;
        _arrayIndex.Push(0);
    }

    public void EndArray()
    {
        _arrayIndex.Pop();
        _depth--;
    }

    public void WriteStringElement(string value) => Line($"[{NextIndex()}]", value);

    public void WriteNumberElement(long value) => Line($"[{NextIndex()}]", value.ToString(CultureInfo.InvariantCulture));

    public void StartObjectElement()
    {
        Line($"[{NextIndex()}]", string.Empty);
        _depth++;
    }

    private int NextIndex()
    {
        int index = _arrayIndex.Pop();
        _arrayIndex.Push(index + 1);
        return index;
    }

    private void Line(string name, string value)
    {
        _writer.Write(new string(' ', _depth * 2));
        _writer.Write(name);
        _writer.Write(':');
        if (value.Length > 0)
        {
            _writer.Write(' ');
            _writer.Write(Escape(value));
        }

        _writer.WriteLine();
    }

    // Values are often text from outside (server names, certificate subjects, CAL names): a control character would
    // reach the terminal as a command, so each is written as \uXXXX.
    private static string Escape(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var escaped = new System.Text.StringBuilder(value.Length + 16);
        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
