using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace TsThinLic.Replay;

/// <summary>
/// Hex as people paste it (from Wireshark, a log, a transcript): digits in either case, with spaces, line breaks or
/// colons between them.
/// </summary>
public static class HexText
{
    /// <summary>The bytes the text spells; false on any other character or an odd number of digits.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsAsciiHexDigit(c))
            {
                digits.Append(c);
            }
            else if (!char.IsWhiteSpace(c) && c != ':')
            {
                bytes = null;
                return false;
            }
        }

        if (digits.Length % 2 != 0)
        {
            bytes = null;
            return false;
        }

        bytes = Convert.FromHexString(digits.ToString());
        return true;
    }
}
