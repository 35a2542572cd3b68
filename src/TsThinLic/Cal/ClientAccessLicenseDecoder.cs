using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TsThinLic.Crypto;
using TsThinLic.Pdu;

namespace TsThinLic.Cal;

/// <summary>
/// Reads a CAL tolerantly with a bounded DER walk, never by fixed offsets: names as BMPString or PrintableString, in
/// one multi-valued RDN or several, the OIW signature OID, a non-standard authority key identifier (skipped), and
/// Microsoft extensions in any order. Every failure is a <see cref="DecodeError"/> naming the part and its offset.
/// </summary>
internal static class ClientAccessLicenseDecoder
{
    /// <summary>More certificates than any license server chain plus leaf; a bound for hostile input.</summary>
    public const int MaxCertificates = 16;

    /// <summary>A CAL arrives inside one licensing PDU.</summary>
    public const int MaxLicenseLength = ushort.MaxValue;

    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string CertificateVersionOid = "1.3.6.1.4.1.311.18.4";
    private const string ManufacturerOid = "1.3.6.1.4.1.311.18.2";
    private const string LicensedProductInfoOid = "1.3.6.1.4.1.311.18.5";
    private const string LicenseServerInfoOid = "1.3.6.1.4.1.311.18.6";

    private const byte Sequence = 0x30;
    private const byte Set = 0x31;
    private const byte Integer = 0x02;
    private const byte ObjectIdentifier = 0x06;
    private const byte OctetString = 0x04;
    private const byte Boolean = 0x01;
    private const byte ContextConstructed0 = 0xA0;
    private const byte ContextConstructed3 = 0xA3;

    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ClientAccessLicense? license, out DecodeError error)
    {
        license = null;
        if (data.Length > MaxLicenseLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "pbLicenseInfo", 0, $"{data.Length} bytes, at most {MaxLicenseLength}");
            return false;
        }

        // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
        var top = new DerReader(data);
        if (!Expect(ref top, data, Sequence, "ContentInfo", out ReadOnlySpan<byte> contentInfo, out error))
        {
            return false;
        }

        var reader = new DerReader(contentInfo);
        if (!Expect(ref reader, data, ObjectIdentifier, "ContentInfo.contentType", out ReadOnlySpan<byte> oid, out error))
        {
            return false;
        }

        if (DecodeOid(oid) != SignedDataOid)
        {
            error = Error(DecodeErrorKind.InvalidValue, "ContentInfo.contentType", data, oid, "not PKCS#7 signedData");
            return false;
        }

        if (!Expect(ref reader, data, ContextConstructed0, "ContentInfo.content", out ReadOnlySpan<byte> explicitContent, out error))
        {
            return false;
        }

        var explicitReader = new DerReader(explicitContent);
        if (!Expect(ref explicitReader, data, Sequence, "SignedData", out ReadOnlySpan<byte> signedData, out error))
        {
            return false;
        }

        // SignedData ::= SEQUENCE { version, digestAlgorithms SET, contentInfo SEQUENCE, certificates [0] IMPLICIT ... }
        var signed = new DerReader(signedData);
        if (!Expect(ref signed, data, Integer, "SignedData.version", out _, out error)
            || !Expect(ref signed, data, Set, "SignedData.digestAlgorithms", out _, out error)
            || !Expect(ref signed, data, Sequence, "SignedData.contentInfo", out _, out error)
            || !Expect(ref signed, data, ContextConstructed0, "SignedData.certificates", out ReadOnlySpan<byte> certificates, out error))
        {
            return false;
        }

        var certificateReader = new DerReader(certificates);
        CalCertificate? leaf = null;
        CalCertificate? last = null;
        int count = 0;
        while (certificateReader.HasData)
        {
            if (++count > MaxCertificates)
            {
                error = Error(DecodeErrorKind.LengthOutOfRange, "SignedData.certificates", data, certificates, $"more than {MaxCertificates} certificates");
                return false;
            }

            if (!Expect(ref certificateReader, data, Sequence, $"certificate {count}", out ReadOnlySpan<byte> certificate, out error)
                || !TryDecodeCertificate(certificate, data, count, out CalCertificate? decoded, out error))
            {
                return false;
            }

            last = decoded;
            if (decoded.ProductInfo is not null)
            {
                leaf = decoded;
            }
        }

        if (last is null)
        {
            error = Error(DecodeErrorKind.InvalidValue, "SignedData.certificates", data, certificates, "no certificate");
            return false;
        }

        license = new ClientAccessLicense(count, leaf ?? last);
        error = default;
        return true;
    }

    private static bool TryDecodeCertificate(ReadOnlySpan<byte> certificate, ReadOnlySpan<byte> data, int index, [NotNullWhen(true)] out CalCertificate? result, out DecodeError error)
    {
        result = null;
        string where = $"certificate {index}";
        var reader = new DerReader(certificate);
        if (!Expect(ref reader, data, Sequence, $"{where}.tbsCertificate", out ReadOnlySpan<byte> tbs, out error))
        {
            return false;
        }

        var fields = new DerReader(tbs);
        if (!Read(ref fields, data, $"{where}.serialNumber", out byte tag, out ReadOnlySpan<byte> contents, out error))
        {
            return false;
        }

        if (tag == ContextConstructed0 && !Read(ref fields, data, $"{where}.serialNumber", out tag, out contents, out error))
        {
            return false;
        }

        ReadOnlyMemory<byte> serial = contents.ToArray();
        if (!Expect(ref fields, data, Sequence, $"{where}.signature", out ReadOnlySpan<byte> algorithm, out error)
            || !Expect(ref fields, data, Sequence, $"{where}.issuer", out ReadOnlySpan<byte> issuer, out error)
            || !Expect(ref fields, data, Sequence, $"{where}.validity", out ReadOnlySpan<byte> validity, out error)
            || !Expect(ref fields, data, Sequence, $"{where}.subject", out ReadOnlySpan<byte> subject, out error)
            || !Expect(ref fields, data, Sequence, $"{where}.subjectPublicKeyInfo", out _, out error))
        {
            return false;
        }

        var algorithmReader = new DerReader(algorithm);
        string signatureAlgorithm = Expect(ref algorithmReader, data, ObjectIdentifier, $"{where}.signature.algorithm", out ReadOnlySpan<byte> algorithmOid, out error)
            ? DecodeOid(algorithmOid)
            : "?";
        if (!TryDecodeName(issuer, data, $"{where}.issuer", out CalName? issuerName, out error)
            || !TryDecodeName(subject, data, $"{where}.subject", out CalName? subjectName, out error))
        {
            return false;
        }

        var validityReader = new DerReader(validity);
        DateTimeOffset? notBefore = ReadTime(ref validityReader);
        DateTimeOffset? notAfter = ReadTime(ref validityReader);

        uint? certificateVersion = null;
        string? manufacturer = null;
        LicensedProductInfo? productInfo = null;
        LicenseServerInfo? serverInfo = null;
        while (fields.HasData)
        {
            if (!Read(ref fields, data, $"{where}.extensions", out byte optionalTag, out ReadOnlySpan<byte> optional, out error))
            {
                return false;
            }

            if (optionalTag != ContextConstructed3)
            {
                continue;
            }

            var wrapper = new DerReader(optional);
            if (!Expect(ref wrapper, data, Sequence, $"{where}.extensions", out ReadOnlySpan<byte> extensions, out error))
            {
                return false;
            }

            var extensionReader = new DerReader(extensions);
            while (extensionReader.HasData)
            {
                if (!Expect(ref extensionReader, data, Sequence, $"{where}.extension", out ReadOnlySpan<byte> extension, out error))
                {
                    return false;
                }

                // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
                var parts = new DerReader(extension);
                if (!Expect(ref parts, data, ObjectIdentifier, $"{where}.extension.extnID", out ReadOnlySpan<byte> extensionOid, out error)
                    || !Read(ref parts, data, $"{where}.extension", out byte next, out ReadOnlySpan<byte> value, out error))
                {
                    return false;
                }

                if (next == Boolean && !Read(ref parts, data, $"{where}.extension", out next, out value, out error))
                {
                    return false;
                }

                if (next != OctetString)
                {
                    error = Error(DecodeErrorKind.InvalidValue, $"{where}.extension.extnValue", data, value, "not an OCTET STRING");
                    return false;
                }

                string id = DecodeOid(extensionOid);
                string field = $"{where}.extension {id}";
                switch (id)
                {
                    case CertificateVersionOid when value.Length >= 4:
                        certificateVersion = BinaryPrimitives.ReadUInt32LittleEndian(value);
                        break;
                    case ManufacturerOid:
                        manufacturer = ReadUnicodeZ(value, 0);
                        break;
                    case LicensedProductInfoOid:
                        if (!TryDecodeProductInfo(value, data, field, out productInfo, out error))
                        {
                            return false;
                        }

                        break;
                    case LicenseServerInfoOid:
                        if (!TryDecodeServerInfo(value, data, field, out serverInfo, out error))
                        {
                            return false;
                        }

                        break;
                }
            }
        }

        ClientHardwareId? hardwareId = null;
        if (subjectName.SerialNumber is { } serialNumber && CalHardwareId.TryDecode(serialNumber, out ClientHardwareId? decoded))
        {
            hardwareId = decoded;
        }

        result = new CalCertificate(serial, signatureAlgorithm, issuerName, subjectName, notBefore, notAfter, certificateVersion, manufacturer, productInfo, serverInfo, hardwareId);
        error = default;
        return true;
    }

    // Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET OF AttributeTypeAndValue.
    private static bool TryDecodeName(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, string field, [NotNullWhen(true)] out CalName? result, out DecodeError error)
    {
        result = null;
        var attributes = new List<KeyValuePair<string, string>>();
        var rdns = new DerReader(name);
        while (rdns.HasData)
        {
            if (!Expect(ref rdns, data, Set, field, out ReadOnlySpan<byte> rdn, out error))
            {
                return false;
            }

            var values = new DerReader(rdn);
            while (values.HasData)
            {
                if (!Expect(ref values, data, Sequence, field, out ReadOnlySpan<byte> attribute, out error))
                {
                    return false;
                }

                var parts = new DerReader(attribute);
                if (!Expect(ref parts, data, ObjectIdentifier, $"{field}.type", out ReadOnlySpan<byte> type, out error)
                    || !Read(ref parts, data, $"{field}.value", out byte tag, out ReadOnlySpan<byte> value, out error))
                {
                    return false;
                }

                if (attributes.Count >= 32)
                {
                    error = Error(DecodeErrorKind.LengthOutOfRange, field, data, attribute, "more than 32 attributes");
                    return false;
                }

                attributes.Add(new(DecodeOid(type), DecodeString(tag, value)));
            }
        }

        result = new CalName(attributes);
        error = default;
        return true;
    }

    // 1.3.6.1.4.1.311.18.5: dwVersion, dwQuantity, dwPlatformID, dwLanguageID, then WORD offset/size of the
    // requested product ID, of the adjusted product ID, and WORD offset/count of the version entries; offsets count
    // from the start of the value.
    private static bool TryDecodeProductInfo(ReadOnlySpan<byte> value, ReadOnlySpan<byte> data, string field, out LicensedProductInfo? info, out DecodeError error)
    {
        const int HeaderLength = 4 /* dwVersion */ + 4 /* dwQuantity */ + 4 /* dwPlatformID */ + 4 /* dwLanguageID */ + 2 * 6 /* offsets and sizes */;
        info = null;
        if (value.Length < HeaderLength)
        {
            error = Error(DecodeErrorKind.Truncated, field, data, value, $"{value.Length} bytes, the header is {HeaderLength}");
            return false;
        }

        ushort requestedOffset = BinaryPrimitives.ReadUInt16LittleEndian(value[16..]);
        ushort requestedSize = BinaryPrimitives.ReadUInt16LittleEndian(value[18..]);
        ushort adjustedOffset = BinaryPrimitives.ReadUInt16LittleEndian(value[20..]);
        ushort adjustedSize = BinaryPrimitives.ReadUInt16LittleEndian(value[22..]);
        ushort versionOffset = BinaryPrimitives.ReadUInt16LittleEndian(value[24..]);
        ushort versionCount = BinaryPrimitives.ReadUInt16LittleEndian(value[26..]);
        if (requestedOffset + requestedSize > value.Length || adjustedOffset + adjustedSize > value.Length || versionOffset > value.Length)
        {
            error = Error(DecodeErrorKind.LengthOutOfRange, field, data, value, "a product ID or the version entries lie outside the extension");
            return false;
        }

        // Entries seen are 12 bytes (wMajor, wMinor, dwFlags, 4 reserved); accept 8-byte ones too.
        int remaining = value.Length - versionOffset;
        int stride = versionCount > 0 && remaining >= 12 * versionCount ? 12 : 8;
        if (versionCount > 0 && remaining < stride * versionCount)
        {
            error = Error(DecodeErrorKind.LengthOutOfRange, field, data, value, $"{versionCount} version entries do not fit in {remaining} bytes");
            return false;
        }

        var versions = new LicensedProductVersion[versionCount];
        for (int i = 0; i < versionCount; i++)
        {
            ReadOnlySpan<byte> entry = value.Slice(versionOffset + i * stride, 8);
            versions[i] = new LicensedProductVersion(
                BinaryPrimitives.ReadUInt16LittleEndian(entry),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]),
                BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
        }

        info = new LicensedProductInfo(
            BinaryPrimitives.ReadUInt32LittleEndian(value),
            BinaryPrimitives.ReadUInt32LittleEndian(value[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(value[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(value[12..]),
            ReadUnicodeZ(value.Slice(requestedOffset, requestedSize), 0),
            ReadUnicodeZ(value.Slice(adjustedOffset, adjustedSize), 0),
            versions);
        error = default;
        return true;
    }

    // 1.3.6.1.4.1.311.18.6: dwVersion, a reserved WORD, then WORD offsets of the server ID and scope; the strings
    // start after the header (name first), each NUL-terminated UTF-16LE.
    private static bool TryDecodeServerInfo(ReadOnlySpan<byte> value, ReadOnlySpan<byte> data, string field, out LicenseServerInfo? info, out DecodeError error)
    {
        const int HeaderLength = 4 /* dwVersion */ + 2 /* reserved */ + 2 /* server ID offset */ + 2 /* scope offset */;
        info = null;
        if (value.Length < HeaderLength)
        {
            error = Error(DecodeErrorKind.Truncated, field, data, value, $"{value.Length} bytes, the header is {HeaderLength}");
            return false;
        }

        ReadOnlySpan<byte> strings = value[HeaderLength..];
        int idOffset = BinaryPrimitives.ReadUInt16LittleEndian(value[6..]);
        int scopeOffset = BinaryPrimitives.ReadUInt16LittleEndian(value[8..]);
        if (idOffset > strings.Length || scopeOffset > strings.Length)
        {
            error = Error(DecodeErrorKind.LengthOutOfRange, field, data, value, "a string offset lies outside the extension");
            return false;
        }

        info = new LicenseServerInfo(BinaryPrimitives.ReadUInt32LittleEndian(value), ReadUnicodeZ(strings, 0), ReadUnicodeZ(strings, idOffset), ReadUnicodeZ(strings, scopeOffset));
        error = default;
        return true;
    }

    private static string ReadUnicodeZ(ReadOnlySpan<byte> bytes, int offset)
    {
        ReadOnlySpan<byte> rest = bytes[Math.Min(offset, bytes.Length)..];
        int length = 0;
        while (length + 1 < rest.Length && (rest[length] != 0 || rest[length + 1] != 0))
        {
            length += 2;
        }

        return Encoding.Unicode.GetString(rest[..length]);
    }

    private static string DecodeString(byte tag, ReadOnlySpan<byte> value) => tag switch
    {
        0x1E => Encoding.BigEndianUnicode.GetString(value[..(value.Length & ~1)]), // BMPString
        0x0C => Encoding.UTF8.GetString(value), // UTF8String
        _ => Encoding.Latin1.GetString(value), // PrintableString, IA5String, T61String: single bytes
    };

    private static DateTimeOffset? ReadTime(ref DerReader reader)
    {
        if (!reader.TryRead(out byte tag, out _, out ReadOnlySpan<byte> contents))
        {
            return null;
        }

        string text = Encoding.ASCII.GetString(contents);
        string[] formats = tag == 0x17 ? ["yyMMddHHmmss'Z'", "yyMMddHHmm'Z'"] : ["yyyyMMddHHmmss'Z'"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
        {
            return null;
        }

        // X.509 (RFC 5280 4.1.2.5.1): a two-digit year below 50 is 20YY; .NET's window says the same for these CALs
        // only by accident of its default, so set the century explicitly.
        if (tag == 0x17)
        {
            int year = int.Parse(text.AsSpan(0, 2), CultureInfo.InvariantCulture);
            parsed = new DateTime(year < 50 ? 2000 + year : 1900 + year, parsed.Month, parsed.Day, parsed.Hour, parsed.Minute, parsed.Second, DateTimeKind.Utc);
        }

        return new DateTimeOffset(parsed, TimeSpan.Zero);
    }

    private static string DecodeOid(ReadOnlySpan<byte> contents)
    {
        var text = new StringBuilder();
        ulong value = 0;
        bool first = true;
        foreach (byte b in contents)
        {
            if (value > ulong.MaxValue >> 7)
            {
                return "?";
            }

            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) != 0)
            {
                continue;
            }

            if (first)
            {
                ulong arc1 = Math.Min(value / 40, 2);
                text.Append(arc1).Append('.').Append(value - arc1 * 40);
                first = false;
            }
            else
            {
                text.Append('.').Append(value);
            }

            value = 0;
        }

        return text.ToString();
    }

    private static bool Read(ref DerReader reader, ReadOnlySpan<byte> data, string field, out byte tag, out ReadOnlySpan<byte> contents, out DecodeError error)
    {
        int before = reader.Position;
        if (!reader.TryRead(out tag, out _, out contents))
        {
            error = new DecodeError(DecodeErrorKind.Truncated, field, OffsetOf(data, reader) + before, "no whole DER element here");
            return false;
        }

        error = default;
        return true;
    }

    private static bool Expect(ref DerReader reader, ReadOnlySpan<byte> data, byte expected, string field, out ReadOnlySpan<byte> contents, out DecodeError error)
    {
        int before = reader.Position;
        if (!Read(ref reader, data, field, out byte tag, out contents, out error))
        {
            return false;
        }

        if (tag != expected)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, field, OffsetOf(data, reader) + before, $"tag 0x{tag:x2}, expected 0x{expected:x2}");
            return false;
        }

        return true;
    }

    private static DecodeError Error(DecodeErrorKind kind, string field, ReadOnlySpan<byte> data, ReadOnlySpan<byte> at, string detail)
        => new(kind, field, Offset(data, at), detail);

    // Where a slice starts within the whole license (both are views of the same buffer).
    private static int Offset(ReadOnlySpan<byte> data, ReadOnlySpan<byte> part)
    {
        long offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(data), ref MemoryMarshal.GetReference(part));
        return offset >= 0 && offset <= data.Length ? (int)offset : 0;
    }

    private static int OffsetOf(ReadOnlySpan<byte> data, DerReader reader) => Offset(data, reader.Data);
}
