using System.Globalization;
using System.Text;

namespace TsThinLic.Replay;

/// <summary>
/// Makes text from a capture, a transcript or a key file safe to print: C0 and C1 control characters (an ANSI escape
/// sequence starts with ESC), DEL, and the Unicode line separators and bidirectional overrides that can make a
/// terminal show something other than what is there become <c>\u{XXXX}</c>.
/// </summary>
internal static class TerminalText
{
    /// <summary>The text with every character a terminal would act on spelled out.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first]))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (NeedsEscape(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c)
        => c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
