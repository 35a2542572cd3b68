using System.Globalization;
using System.Text;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// .reg files in the "Windows Registry Editor Version 5.00" format that <c>reg export</c> and regedit write: UTF-16LE
/// with a BOM and CRLF lines, one <c>[HKEY_LOCAL_MACHINE\…]</c> header per key followed by its values, binary data as
/// <c>hex:</c> bytes wrapped with a trailing backslash, REG_DWORD as <c>dword:</c>, other types as <c>hex(n):</c>. So a
/// field engineer can bring a terminal's MSLicensing key to any machine (<see cref="Read"/> gives a
/// <see cref="MemoryRegistry"/> the registry store runs over) and back (<c>reg import</c>).
/// </summary>
public static class RegFile
{
    public const string Header = "Windows Registry Editor Version 5.00";
    public const string HiveName = "HKEY_LOCAL_MACHINE";

    /// <summary>Largest .reg text read (characters).</summary>
    public const int MaxTextLength = 8 << 20;

    /// <summary>Largest value data read (bytes).</summary>
    public const int MaxValueLength = 1 << 20;

    /// <summary>regedit wraps hex data so that no line passes 80 characters, the backslash included.</summary>
    private const int LineWidth = 80;

    /// <summary>The .reg text of <paramref name="keyPath"/> and everything under it (empty when the key is missing).</summary>
    public static string Write(MemoryRegistry registry, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var text = new StringBuilder();
        text.Append(Header).Append("\r\n\r\n");
        foreach ((string path, IReadOnlyList<(string Name, RegistryValue Value)> values) in registry.Walk(keyPath))
        {
            text.Append('[').Append(HiveName).Append('\\').Append(path).Append("]\r\n");
            foreach ((string name, RegistryValue value) in values)
            {
                WriteValue(text, name, value);
            }

            text.Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>The bytes of a .reg file as regedit writes them: UTF-16LE with a BOM.</summary>
    public static byte[] Encode(string text) => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)];

    /// <summary>Text of a .reg file: UTF-16LE with a BOM (regedit, reg export), or UTF-8 (with or without a BOM).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads .reg text into a new hive; false with the line and reason when it is not a 5.00 .reg file.</summary>
    public static bool TryRead(string text, out MemoryRegistry registry, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        registry = new MemoryRegistry();
        error = string.Empty;
        if (text.Length > MaxTextLength)
        {
            error = $"the file has {text.Length} characters, over the {MaxTextLength} read";
            return false;
        }

        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int index = 0;
        while (index < lines.Length && lines[index].Trim().Length == 0)
        {
            index++;
        }

        if (index == lines.Length || lines[index].Trim() != Header)
        {
            error = $"line {index + 1}: expected \"{Header}\"";
            return false;
        }

        string? key = null;
        for (index++; index < lines.Length; index++)
        {
            int lineNumber = index + 1;
            string line = lines[index].Trim();
            // A value's data continues on the next line after a trailing backslash.
            var logical = new StringBuilder(line);
            while (logical.Length > 0 && logical[^1] == '\\' && index + 1 < lines.Length && !line.StartsWith('['))
            {
                logical.Length--;
                index++;
                logical.Append(lines[index].Trim());
                if (logical.Length > MaxTextLength)
                {
                    error = $"line {lineNumber}: value too long";
                    return false;
                }
            }

            line = logical.ToString();
            if (line.Length == 0 || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                if (!line.EndsWith(']'))
                {
                    error = $"line {lineNumber}: key header without ']'";
                    return false;
                }

                bool delete = line.StartsWith("[-", StringComparison.Ordinal);
                string full = line[(delete ? 2 : 1)..^1];
                if (!TryHivePath(full, out string path))
                {
                    error = $"line {lineNumber}: key {full} is not under {HiveName}";
                    return false;
                }

                if (delete && path.Split('\\', StringSplitOptions.RemoveEmptyEntries).Length == 0)
                {
                    // [-HKEY_LOCAL_MACHINE] would delete the hive itself, which no registry allows (found by fuzzing:
                    // the in-memory hive threw ArgumentException out of TryRead).
                    error = $"line {lineNumber}: the hive root {full} cannot be deleted";
                    return false;
                }

                if (delete)
                {
                    registry.DeleteKeyTree(path);
                    key = null;
                }
                else
                {
                    registry.CreateKey(path);
                    key = path;
                }

                continue;
            }

            if (key is null)
            {
                error = $"line {lineNumber}: a value before any key header";
                return false;
            }

            if (!TryValue(line, out string name, out RegistryValue? value, out string reason))
            {
                error = $"line {lineNumber}: {reason}";
                return false;
            }

            if (value is null)
            {
                registry.DeleteValue(key, name);
            }
            else
            {
                registry.SetValue(key, name, value);
            }
        }

        return true;
    }

    /// <summary>Reads a .reg file's text; throws <see cref="FormatException"/> with the line when it is not one.</summary>
    public static MemoryRegistry Read(string text)
        => TryRead(text, out MemoryRegistry registry, out string error) ? registry : throw new FormatException($".reg file: {error}");

    private static bool TryHivePath(string full, out string path)
    {
        path = string.Empty;
        foreach (string hive in new[] { HiveName, "HKLM" })
        {
            if (string.Equals(full, hive, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (full.StartsWith(hive + "\\", StringComparison.OrdinalIgnoreCase))
            {
                path = full[(hive.Length + 1)..];
                return true;
            }
        }

        return false;
    }

    private static void WriteValue(StringBuilder text, string name, RegistryValue value)
    {
        int lineStart = text.Length;
        text.Append(name.Length == 0 ? "@" : "\"" + Escape(name) + "\"").Append('=');
        ReadOnlySpan<byte> data = value.Data.Span;
        switch (value.Type)
        {
            case RegistryValueType.DWord when data.Length == 4:
                text.Append("dword:").Append(BitConverter.ToUInt32(data).ToString("x8", CultureInfo.InvariantCulture)).Append("\r\n");
                return;
            case RegistryValueType.String when data.Length % 2 == 0 && data.Length >= 2 && data[^1] == 0 && data[^2] == 0 && !Encoding.Unicode.GetString(data[..^2]).Contains('\0'):
                text.Append('"').Append(Escape(Encoding.Unicode.GetString(data[..^2]))).Append("\"\r\n");
                return;
            case RegistryValueType.Binary:
                text.Append("hex:");
                break;
            default:
                text.Append("hex(").Append(((int)value.Type).ToString("x", CultureInfo.InvariantCulture)).Append("):");
                break;
        }

        for (int i = 0; i < data.Length; i++)
        {
            string item = data[i].ToString("x2", CultureInfo.InvariantCulture) + (i < data.Length - 1 ? "," : string.Empty);
            // Room for the item and, if more follow, the backslash.
            if (text.Length - lineStart + item.Length + 1 > LineWidth - 1 && i > 0)
            {
                text.Append("\\\r\n  ");
                lineStart = text.Length - 2;
            }

            text.Append(item);
        }

        text.Append("\r\n");
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static bool TryValue(string line, out string name, out RegistryValue? value, out string reason)
    {
        name = string.Empty;
        value = null;
        reason = string.Empty;
        int at;
        if (line.StartsWith('@'))
        {
            at = 1;
        }
        else if (line.StartsWith('"'))
        {
            var builder = new StringBuilder();
            at = 1;
            while (true)
            {
                if (at >= line.Length)
                {
                    reason = "value name without its closing quote";
                    return false;
                }

                char c = line[at++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && at < line.Length)
                {
                    c = line[at++];
                }

                builder.Append(c);
            }

            name = builder.ToString();
        }
        else
        {
            reason = "expected a quoted value name or @";
            return false;
        }

        if (at >= line.Length || line[at] != '=')
        {
            reason = "expected '=' after the value name";
            return false;
        }

        string data = line[(at + 1)..].Trim();
        if (data == "-")
        {
            return true;
        }

        if (data.StartsWith('"'))
        {
            if (data.Length < 2 || !data.EndsWith('"'))
            {
                reason = "string value without its closing quote";
                return false;
            }

            string unescaped = data[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            value = RegistryValue.String(unescaped);
            return true;
        }

        if (data.StartsWith("dword:", StringComparison.OrdinalIgnoreCase))
        {
            if (!uint.TryParse(data.AsSpan(6), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint dword) || data.Length != 14)
            {
                reason = $"dword '{data[6..]}' is not 8 hex digits";
                return false;
            }

            value = RegistryValue.DWord(dword);
            return true;
        }

        RegistryValueType type;
        string hex;
        if (data.StartsWith("hex:", StringComparison.OrdinalIgnoreCase))
        {
            type = RegistryValueType.Binary;
            hex = data[4..];
        }
        else if (data.StartsWith("hex(", StringComparison.OrdinalIgnoreCase) && data.IndexOf("):", StringComparison.Ordinal) is > 4 and int close
            && int.TryParse(data.AsSpan(4, close - 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int number))
        {
            type = (RegistryValueType)number;
            hex = data[(close + 2)..];
        }
        else
        {
            reason = $"unknown value data '{(data.Length > 16 ? data[..16] + "…" : data)}'";
            return false;
        }

        var bytes = new List<byte>();
        foreach (string item in hex.Split(',', StringSplitOptions.TrimEntries))
        {
            if (item.Length == 0 && hex.Trim().Length == 0)
            {
                break;
            }

            if (item.Length != 2 || !byte.TryParse(item, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                reason = $"'{item}' is not a hex byte";
                return false;
            }

            if (bytes.Count == MaxValueLength)
            {
                reason = $"value data over {MaxValueLength} bytes";
                return false;
            }

            bytes.Add(b);
        }

        value = new RegistryValue(type, bytes.ToArray());
        return true;
    }
}
