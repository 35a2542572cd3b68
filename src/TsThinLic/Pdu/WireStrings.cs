using System.Text;

namespace TsThinLic.Pdu;

/// <summary>
/// The two string encodings of licensing: UTF-16LE with a NUL (PRODUCT_INFO and NEW_LICENSE_INFO company and product,
/// [MS-RDPELE 2.2.2.1.1], 2.2.2.6.1) and single-byte ANSI with a NUL (scopes, client user and machine names,
/// [MS-RDPELE 2.2.2.1.2], 2.2.2.2). Structures keep the raw bytes, so a decoded message re-encodes exactly whatever
/// the bytes were; the strings are views for people and for matching. ANSI is read as Latin-1: byte n is U+00nn, so no
/// byte sequence is lost or rejected.
/// </summary>
internal static class WireStrings
{
    public static byte[] EncodeUnicodeZ(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        RejectNul(value);
        byte[] bytes = new byte[(value.Length + 1) * 2];
        Encoding.Unicode.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>Up to the first NUL character; invalid UTF-16 becomes U+FFFD (never throws).</summary>
    public static string DecodeUnicodeZ(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length & ~1;
        for (int i = 0; i < length; i += 2)
        {
            if (bytes[i] == 0 && bytes[i + 1] == 0)
            {
                length = i;
                break;
            }
        }

        return Encoding.Unicode.GetString(bytes.Slice(0, length));
    }

    /// <summary>Latin-1 plus a NUL; a character above U+00FF becomes '?', as a Windows ANSI code page would make it.</summary>
    public static byte[] EncodeAnsiZ(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        RejectNul(value);
        byte[] bytes = new byte[value.Length + 1];
        Encoding.Latin1.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>Up to the first NUL byte, as Latin-1.</summary>
    public static string DecodeAnsiZ(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? bytes : bytes.Slice(0, end));
    }

    private static void RejectNul(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A licensing string cannot contain NUL: it is the terminator on the wire.", nameof(value));
        }
    }
}
