using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Org.BouncyCastle.Math;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// Reads an RSA private key a server keeps for Standard RDP Security or licensing: xrdp's <c>rsakeys.ini</c>
/// (<c>[keys]</c> with <c>pub_exp</c>, <c>pub_mod</c>, <c>pri_exp</c> as comma-separated <c>0xNN</c> bytes, least
/// significant first, as <c>xrdp-keygen</c> writes them), a PEM file (<c>RSA PRIVATE KEY</c>: PKCS#1 [RFC 8017 A.1.2];
/// <c>PRIVATE KEY</c>: unencrypted PKCS#8 [RFC 5208 5]) or the same as DER. Every key read is checked by a round trip
/// (2^e^d mod n = 2), so a damaged file is refused here rather than decrypting to garbage later. Never throws on file
/// contents.
/// </summary>
internal static class RsaPrivateKeyFile
{
    /// <summary>Larger than any key file (a 16384-bit PEM key is about 13 KB).</summary>
    public const int MaxLength = 256 * 1024;

    // [RFC 8017 A.1] rsaEncryption, 1.2.840.113549.1.1.1.
    private static ReadOnlySpan<byte> RsaEncryptionOid => [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

    /// <summary>Reads a key; false with a reason a person can act on when the bytes are not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> file, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        if (file.Length > MaxLength)
        {
            error = $"{file.Length} bytes: not a key file (at most {MaxLength})";
            return false;
        }

        if (file.Length > 0 && file[0] == 0x30)
        {
            return TryParseDer(file, out key, out error);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(file);
        }
        catch (DecoderFallbackException)
        {
            error = "neither text (rsakeys.ini, PEM) nor DER";
            return false;
        }

        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return TryParsePem(text, out key, out error);
        }

        if (text.Contains("pri_exp", StringComparison.Ordinal) || text.Contains("[keys]", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseRsaKeysIni(text, out key, out error);
        }

        error = "neither an xrdp rsakeys.ini ([keys] with pub_mod, pub_exp, pri_exp), a PEM private key nor DER";
        return false;
    }

    /// <summary>
    /// The key as xrdp's rsakeys.ini (<c>[keys]</c>, <c>pub_exp</c>, <c>pub_mod</c>, <c>pri_exp</c>, bytes least
    /// significant first): how an emulated server's key is handed to <c>replay --license-key</c>. Key material.
    /// </summary>
    public static string WriteRsaKeysIni(RsaPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        static string Bytes(ReadOnlySpan<byte> littleEndian) => string.Join(",", littleEndian.ToArray().Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)));
        byte[] exponent = BitConverter.IsLittleEndian ? BitConverter.GetBytes((uint)key.PublicKey.PublicExponent) : [.. BitConverter.GetBytes((uint)key.PublicKey.PublicExponent).Reverse()];
        byte[] privateExponent = RsaMath.ToLittleEndian(key.PrivateExponent, key.ModulusLength);
        return $"[keys]\npub_exp={Bytes(exponent)}\npub_mod={Bytes(key.PublicKey.ModulusLittleEndian.Span)}\npri_exp={Bytes(privateExponent)}\n";
    }

    private static bool TryParseRsaKeysIni(string text, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        int number = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            number++;
            string line = rawLine.Trim();
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is '#' or ';' or '[' || equals < 0)
            {
                continue;
            }

            string name = line[..equals].Trim();
            if (name is not ("pub_exp" or "pub_mod" or "pri_exp"))
            {
                continue;
            }

            // xrdp-keygen: 0x01,0x00,0x01,0x00 — one byte per item, least significant first.
            string[] items = line[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            byte[] bytes = new byte[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                string item = items[i].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? items[i][2..] : items[i];
                if (item.Length is 0 or > 2 || !byte.TryParse(item, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
                {
                    error = $"rsakeys.ini line {number}: '{items[i]}' in {name} is not a byte (0xNN)";
                    return false;
                }
            }

            values[name] = bytes;
        }

        foreach (string required in (string[])["pub_mod", "pub_exp", "pri_exp"])
        {
            if (!values.ContainsKey(required) || values[required].Length == 0)
            {
                error = $"rsakeys.ini has no {required}";
                return false;
            }
        }

        return TryCreate(values["pub_mod"], values["pub_exp"], values["pri_exp"], bigEndian: false, "rsakeys.ini", out key, out error);
    }

    private static bool TryParsePem(string text, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        foreach ((string label, bool pkcs8) in (ReadOnlySpan<(string, bool)>)[("RSA PRIVATE KEY", false), ("PRIVATE KEY", true)])
        {
            string begin = $"-----BEGIN {label}-----";
            int start = text.IndexOf(begin, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            int end = text.IndexOf($"-----END {label}-----", start, StringComparison.Ordinal);
            if (end < 0)
            {
                error = $"PEM: no END line for {label}";
                return false;
            }

            string body = text[(start + begin.Length)..end];
            if (body.Contains("ENCRYPTED", StringComparison.Ordinal))
            {
                error = "PEM: the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)";
                return false;
            }

            byte[] der;
            try
            {
                der = Convert.FromBase64String(body.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim());
            }
            catch (FormatException)
            {
                error = $"PEM: the {label} body is not Base64";
                return false;
            }

            return pkcs8 ? TryParsePkcs8(der, out key, out error) : TryParsePkcs1(der, out key, out error);
        }

        error = text.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
            ? "PEM: the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)"
            : "PEM: no RSA PRIVATE KEY or PRIVATE KEY block (a certificate or a public key cannot decrypt)";
        return false;
    }

    private static bool TryParseDer(ReadOnlySpan<byte> der, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        if (TryParsePkcs8(der, out key, out error))
        {
            return true;
        }

        // A PKCS#8 structure whose key is not RSA says so; anything else may still be a bare PKCS#1 key.
        return !error.StartsWith("PKCS#8: not an RSA key", StringComparison.Ordinal) && TryParsePkcs1(der, out key, out error);
    }

    // [RFC 5208 5] PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING RSAPrivateKey }
    private static bool TryParsePkcs8(ReadOnlySpan<byte> der, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        var outer = new DerReader(der);
        if (!outer.TryRead(out byte tag, out _, out ReadOnlySpan<byte> info) || tag != 0x30 || outer.HasData)
        {
            error = "PKCS#8: not one DER SEQUENCE";
            return false;
        }

        var reader = new DerReader(info);
        if (!reader.TryRead(out tag, out _, out _) || tag != 0x02
            || !reader.TryRead(out tag, out _, out ReadOnlySpan<byte> algorithm) || tag != 0x30
            || !reader.TryRead(out tag, out _, out ReadOnlySpan<byte> privateKey) || tag != 0x04)
        {
            error = "PKCS#8: expected version, privateKeyAlgorithm and privateKey";
            return false;
        }

        var algorithmReader = new DerReader(algorithm);
        if (!algorithmReader.TryRead(out tag, out _, out ReadOnlySpan<byte> oid) || tag != 0x06 || !oid.SequenceEqual(RsaEncryptionOid))
        {
            error = "PKCS#8: not an RSA key (the algorithm is not rsaEncryption)";
            return false;
        }

        return TryParsePkcs1(privateKey, out key, out error);
    }

    // [RFC 8017 A.1.2] RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1, ... }
    private static bool TryParsePkcs1(ReadOnlySpan<byte> der, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        var outer = new DerReader(der);
        if (!outer.TryRead(out byte tag, out _, out ReadOnlySpan<byte> sequence) || tag != 0x30)
        {
            error = "PKCS#1: not a DER SEQUENCE";
            return false;
        }

        var reader = new DerReader(sequence);
        if (!reader.TryRead(out tag, out _, out ReadOnlySpan<byte> version) || tag != 0x02 || version.Length != 1 || version[0] > 1
            || !reader.TryRead(out tag, out _, out ReadOnlySpan<byte> modulus) || tag != 0x02
            || !reader.TryRead(out tag, out _, out ReadOnlySpan<byte> publicExponent) || tag != 0x02
            || !reader.TryRead(out tag, out _, out ReadOnlySpan<byte> privateExponent) || tag != 0x02)
        {
            error = "PKCS#1: expected version, modulus, publicExponent and privateExponent INTEGERs";
            return false;
        }

        return TryCreate(modulus, publicExponent, privateExponent, bigEndian: true, "PKCS#1", out key, out error);
    }

    private static bool TryCreate(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> privateExponent, bool bigEndian, string format, [NotNullWhen(true)] out RsaPrivateKey? key, out string error)
    {
        key = null;
        BigInteger n = bigEndian ? RsaMath.FromBigEndian(modulus) : RsaMath.FromLittleEndian(modulus);
        BigInteger e = bigEndian ? RsaMath.FromBigEndian(publicExponent) : RsaMath.FromLittleEndian(publicExponent);
        BigInteger d = bigEndian ? RsaMath.FromBigEndian(privateExponent) : RsaMath.FromLittleEndian(privateExponent);
        if (n.BitLength is < RsaPublicKey.MinimumKeyBits - 8 or > RsaPublicKey.MaximumKeyBits || e.BitLength > 32)
        {
            error = $"{format}: a {n.BitLength}-bit modulus with a {e.BitLength}-bit public exponent is not an RSA key RDP uses";
            return false;
        }

        try
        {
            key = RsaPrivateKey.Create(n, e, d);
        }
        catch (ArgumentException exception)
        {
            error = $"{format}: {exception.Message}";
            return false;
        }

        // The round trip: a damaged modulus or exponent fails here instead of decrypting every PDU to garbage.
        BigInteger two = BigInteger.Two;
        if (!two.ModPow(e, n).ModPow(d, n).Equals(two))
        {
            key = null;
            error = $"{format}: the private exponent does not invert the public one (a damaged key)";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
