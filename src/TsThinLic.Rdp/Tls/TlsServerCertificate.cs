using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// What the probe reports of the TLS server's leaf certificate (RFC 5280 4.1), read with our own DER walk: its SHA-256
/// fingerprint (what RDP clients pin per server, as mstsc and FreeRDP's known-hosts list do), subject, issuer, validity,
/// and the SubjectPublicKey that CredSSP's pubKeyAuth binds ([MS-CSSP 3.1.5]: the BIT STRING's contents).
/// </summary>
public sealed class TlsServerCertificate
{
    private TlsServerCertificate(byte[] fingerprint, string subject, string issuer, DateTimeOffset? notBefore, DateTimeOffset? notAfter, string keyAlgorithm, byte[] subjectPublicKey)
    {
        Sha256Fingerprint = fingerprint;
        Subject = subject;
        Issuer = issuer;
        NotBefore = notBefore;
        NotAfter = notAfter;
        KeyAlgorithm = keyAlgorithm;
        SubjectPublicKey = subjectPublicKey;
    }

    /// <summary>SHA-256 over the whole DER certificate.</summary>
    public byte[] Sha256Fingerprint { get; }

    /// <summary>The fingerprint as lowercase hex pairs joined by colons (FreeRDP's known_hosts2 form).</summary>
    public string Sha256FingerprintText => FormatFingerprint(Sha256Fingerprint);

    /// <summary>subject, as "CN=…, O=…" (control characters escaped).</summary>
    public string Subject { get; }

    /// <summary>issuer, likewise.</summary>
    public string Issuer { get; }

    /// <summary>validity notBefore, when it parses.</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>validity notAfter, when it parses.</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <summary>The subjectPublicKeyInfo algorithm (rsaEncryption, id-ecPublicKey, or the OID).</summary>
    public string KeyAlgorithm { get; }

    /// <summary>subjectPublicKey: the BIT STRING's contents after its unused-bits octet.</summary>
    public byte[] SubjectPublicKey { get; }

    /// <summary>Whether <paramref name="now"/> lies within the validity period.</summary>
    public bool IsValidAt(DateTimeOffset now) => NotBefore is { } from && NotAfter is { } to && now >= from && now <= to;

    public static string FormatFingerprint(ReadOnlySpan<byte> fingerprint)
        => string.Join(':', Convert.ToHexStringLower(fingerprint).Chunk(2).Select(pair => new string(pair)));

    /// <summary>
    /// Parses a SHA-256 fingerprint as people write it: 64 hex digits, with or without colons or spaces, any case, an
    /// optional "sha256:" prefix. Null when it is not one.
    /// </summary>
    public static byte[]? ParseFingerprint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string digits = text.Trim();
        if (digits.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[7..];
        }

        digits = digits.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 64 || !digits.All(Uri.IsHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(digits);
    }

    /// <summary>Reads a DER certificate; false with the reason when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> der, out TlsServerCertificate? certificate, out string? problem)
    {
        certificate = null;
        var sha256 = new Sha256Digest();
        sha256.BlockUpdate(der);
        byte[] fingerprint = new byte[32];
        sha256.DoFinal(fingerprint);
        if (!DerReader.IsWellFormed(der))
        {
            problem = "the certificate is not well-formed DER";
            return false;
        }

        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        var outer = new DerReader(der);
        if (!outer.TryRead(out byte tag, out _, out ReadOnlySpan<byte> certificateContents) || tag != 0x30)
        {
            problem = "the certificate is not a SEQUENCE";
            return false;
        }

        var certificateReader = new DerReader(certificateContents);
        if (!certificateReader.TryRead(out tag, out _, out ReadOnlySpan<byte> tbs) || tag != 0x30)
        {
            problem = "the certificate has no tbsCertificate";
            return false;
        }

        // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … }
        var fields = new DerReader(tbs);
        if (!fields.TryRead(out tag, out _, out _))
        {
            problem = "the tbsCertificate is empty";
            return false;
        }

        if (tag == 0xA0 && !fields.TryRead(out _, out _, out _))
        {
            problem = "the tbsCertificate ends after its version";
            return false;
        }

        if (!fields.TryRead(out _, out _, out _)
            || !fields.TryRead(out byte issuerTag, out _, out ReadOnlySpan<byte> issuer) || issuerTag != 0x30
            || !fields.TryRead(out byte validityTag, out _, out ReadOnlySpan<byte> validity) || validityTag != 0x30
            || !fields.TryRead(out byte subjectTag, out _, out ReadOnlySpan<byte> subject) || subjectTag != 0x30
            || !fields.TryRead(out byte keyInfoTag, out _, out ReadOnlySpan<byte> keyInfo) || keyInfoTag != 0x30)
        {
            problem = "the tbsCertificate lacks issuer, validity, subject or subjectPublicKeyInfo";
            return false;
        }

        // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
        var keyReader = new DerReader(keyInfo);
        if (!keyReader.TryRead(out tag, out _, out ReadOnlySpan<byte> algorithm) || tag != 0x30
            || !keyReader.TryRead(out tag, out _, out ReadOnlySpan<byte> bits) || tag != 0x03 || bits.IsEmpty || bits[0] != 0)
        {
            problem = "the subjectPublicKeyInfo is not an algorithm and a whole-octet BIT STRING";
            return false;
        }

        var algorithmReader = new DerReader(algorithm);
        string keyAlgorithm = algorithmReader.TryRead(out tag, out _, out ReadOnlySpan<byte> oid) && tag == 0x06 ? OidName(oid) : "?";
        var validityReader = new DerReader(validity);
        DateTimeOffset? notBefore = validityReader.TryRead(out byte beforeTag, out _, out ReadOnlySpan<byte> before) ? ParseTime(beforeTag, before) : null;
        DateTimeOffset? notAfter = validityReader.TryRead(out byte afterTag, out _, out ReadOnlySpan<byte> after) ? ParseTime(afterTag, after) : null;
        certificate = new TlsServerCertificate(fingerprint, FormatName(subject), FormatName(issuer), notBefore, notAfter, keyAlgorithm, bits[1..].ToArray());
        problem = null;
        return true;
    }

    /// <summary>Whether <paramref name="expected"/> is this certificate's fingerprint (constant time).</summary>
    public bool Matches(ReadOnlySpan<byte> expected) => CryptographicOperations.FixedTimeEquals(expected, Sha256Fingerprint);

    // RFC 5280 4.1.2.4: Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue).
    private static string FormatName(ReadOnlySpan<byte> name)
    {
        var parts = new List<string>();
        var rdns = new DerReader(name);
        while (rdns.HasData && rdns.TryRead(out byte setTag, out _, out ReadOnlySpan<byte> set) && setTag == 0x31)
        {
            var attributes = new DerReader(set);
            while (attributes.HasData && attributes.TryRead(out byte sequenceTag, out _, out ReadOnlySpan<byte> attribute) && sequenceTag == 0x30)
            {
                var pair = new DerReader(attribute);
                if (pair.TryRead(out byte oidTag, out _, out ReadOnlySpan<byte> oid) && oidTag == 0x06 && pair.TryRead(out byte valueTag, out _, out ReadOnlySpan<byte> value))
                {
                    parts.Add($"{OidName(oid)}={Escape(DecodeString(valueTag, value))}");
                }
            }
        }

        return string.Join(", ", parts);
    }

    private static string DecodeString(byte tag, ReadOnlySpan<byte> value) => tag switch
    {
        0x1E => Encoding.BigEndianUnicode.GetString(value), // BMPString
        0x1C => Encoding.UTF32.GetString(value.ToArray().Chunk(4).SelectMany(c => c.Reverse()).ToArray()), // UniversalString (UCS-4 BE)
        0x14 => Encoding.Latin1.GetString(value), // T61String, read as Latin-1
        _ => Encoding.UTF8.GetString(value), // UTF8String, PrintableString, IA5String
    };

    /// <summary>Control characters and backslashes as escapes: a certificate is text from outside, bound for a terminal.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsControl(c) || c == '\\')
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

    private static string OidName(ReadOnlySpan<byte> oid) => Convert.ToHexStringLower(oid) switch
    {
        "550403" => "CN",
        "550406" => "C",
        "550407" => "L",
        "550408" => "ST",
        "55040a" => "O",
        "55040b" => "OU",
        "550405" => "serialNumber",
        "2a864886f70d010901" => "E",
        "0992268993f22c640119" => "DC",
        "2a864886f70d010101" => "rsaEncryption",
        "2a8648ce3d0201" => "id-ecPublicKey",
        _ => DottedOid(oid),
    };

    private static string DottedOid(ReadOnlySpan<byte> oid)
    {
        if (oid.IsEmpty)
        {
            return "?";
        }

        var parts = new List<string> { (oid[0] / 40).ToString(CultureInfo.InvariantCulture), (oid[0] % 40).ToString(CultureInfo.InvariantCulture) };
        long value = 0;
        foreach (byte b in oid[1..])
        {
            value = (value << 7) | (b & 0x7FL);
            if ((b & 0x80) == 0)
            {
                parts.Add(value.ToString(CultureInfo.InvariantCulture));
                value = 0;
            }
        }

        return string.Join('.', parts);
    }

    // RFC 5280 4.1.2.5: UTCTime YYMMDDHHMMSSZ (50-99 = 19xx, as the invariant calendar's two-digit years read), GeneralizedTime YYYYMMDDHHMMSSZ.
    private static DateTimeOffset? ParseTime(byte tag, ReadOnlySpan<byte> value)
    {
        string text = Encoding.ASCII.GetString(value);
        string format = tag == 0x17 ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'";
        if (tag is not (0x17 or 0x18) || !DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
        {
            return null;
        }

        return new DateTimeOffset(parsed, TimeSpan.Zero);
    }
}
