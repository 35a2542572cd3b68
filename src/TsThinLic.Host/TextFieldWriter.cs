using System.Globalization;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>
/// Writes fields as indented "name: value" lines for people; long hex is wrapped. Every name and value goes through
/// <see cref="TerminalText.Escape"/>: a value from outside (a CAL's scope, a server's product name, a file name) stays
/// on its own line with its control characters shown as <c>\xNN</c>, so it can neither forge a line nor drive the terminal.
/// </summary>
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
        _writer.Write(TerminalText.Escape(name));
        _writer.Write(':');
        if (value.Length > 0)
        {
            _writer.Write(' ');
            _writer.Write(TerminalText.Escape(value));
        }

        _writer.WriteLine();
    }
}
