using System.Globalization;
using System.Text;

namespace TsThinLic.Diagnostics;

/// <summary>
/// The one place text from outside (a server, a CAL, a capture, a store, an import, a file name) is made safe to show
/// on a terminal, for every front end: the host's text writers (its TextFieldWriter escapes each name and value whole
/// with <see cref="Escape(string)"/>; its TerminalTextWriter wraps standard output and standard error with
/// <see cref="EscapeKeepingLines"/>), the replay's reports and transcript comments, and the C library's messages. In
/// the core so that each of them can reach it without referencing another. A character that could move the cursor,
/// start an escape sequence, end a line early or reorder what is shown becomes visible text instead:
/// <list type="bullet">
/// <item>C0 controls (U+0000–U+001F, ESC and CR included), DEL (U+007F) and the C1 controls (U+0080–U+009F, whose
/// U+009B is a one-character CSI) as <c>\xNN</c>;</item>
/// <item>the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line
/// and paragraph separators (U+2028, U+2029) as <c>\uNNNN</c>.</item>
/// </list>
/// Everything else, other scripts included, is shown as it is. JSON output needs none of this: its writer escapes
/// control characters itself, so it stays valid JSON carrying the exact text.
/// </summary>
public static class TerminalText
{
    /// <summary>Whether <paramref name="c"/> is shown escaped (line feed and tab included).</summary>
    public static bool NeedsEscape(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F) || IsFormatting(c);

    /// <summary>
    /// <paramref name="text"/> with every character of <see cref="NeedsEscape"/> escaped, line feeds and tabs too: one
    /// field value stays one line, so a forged "name: value" line cannot appear.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escape(text, keepLines: false);
    }

    /// <summary>
    /// As <see cref="Escape(string)"/>, but line feeds, tabs and CR LF pairs stay: for whole output written line by line (a
    /// table, a JSON document, a transcript), where the lines are the writer's own.
    /// </summary>
    public static string EscapeKeepingLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escape(text, keepLines: true);
    }

    private static string Escape(string text, bool keepLines)
    {
        int first = FirstToEscape(text, keepLines);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!ShouldEscape(text, i, keepLines))
            {
                escaped.Append(c);
            }
            else if (c <= 0xFF)
            {
                escaped.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    private static int FirstToEscape(string text, bool keepLines)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (ShouldEscape(text, i, keepLines))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool ShouldEscape(string text, int i, bool keepLines)
    {
        char c = text[i];
        if (!NeedsEscape(c))
        {
            return false;
        }

        // The writer's own line ends: LF, and CR only as the first half of CR LF (Windows' NewLine).
        return !keepLines || !(c is '\n' or '\t' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n'));
    }

    private static bool IsFormatting(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u2028' or '\u2029';
}
