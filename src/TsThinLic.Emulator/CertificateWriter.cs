using System.Formats.Asn1;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Emulator;

/// <summary>
/// [RFC 5280 4.1] The pieces of an X.509 v3 certificate the emulator writes (CALs, the license server's chain, the TLS
/// server certificate), DER through <see cref="AsnWriter"/>, signed RSASSA-PKCS1-v1_5 with the emulator's keys.
/// </summary>
internal static class CertificateWriter
{
    /// <summary>sha1RSA as license servers write it: the old OIW OID.</summary>
    public const string Sha1RsaOiw = "1.3.14.3.2.29";

    /// <summary>sha256WithRSAEncryption [RFC 4055 5].</summary>
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";

    /// <summary>rsaEncryption [RFC 3279 2.3.1].</summary>
    public const string RsaEncryption = "1.2.840.113549.1.1.1";

    /// <summary>basicConstraints [RFC 5280 4.2.1.9].</summary>
    public const string BasicConstraintsOid = "2.5.29.19";

    /// <summary>version [0] v3 and serialNumber.</summary>
    public static void WriteVersionAndSerial(AsnWriter writer, ulong serial)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteInteger(2); // v3
        }

        writer.WriteInteger(serial);
    }

    /// <summary>AlgorithmIdentifier with NULL parameters.</summary>
    public static void WriteAlgorithm(AsnWriter writer, string oid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteNull();
        }
    }

    /// <summary>A Name of one multi-valued RDN of BMPStrings, as license servers write names.</summary>
    public static void WriteName(AsnWriter writer, params (string Oid, string Value)[] attributes)
    {
        using (writer.PushSequence())
        using (writer.PushSetOf())
        {
            foreach ((string oid, string value) in attributes)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(UniversalTagNumber.BMPString, value);
                }
            }
        }
    }

    /// <summary>A Name of one RDN holding one UTF8String attribute, as TLS certificates write a common name.</summary>
    public static void WriteUtf8Name(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        }
    }

    /// <summary>Validity as UTCTime, to the second.</summary>
    public static void WriteValidity(AsnWriter writer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using (writer.PushSequence())
        {
            writer.WriteUtcTime(notBefore.ToUniversalTime());
            writer.WriteUtcTime(notAfter.ToUniversalTime());
        }
    }

    /// <summary>SubjectPublicKeyInfo of an RSA key [RFC 3279 2.3.1].</summary>
    public static void WritePublicKey(AsnWriter writer, RsaPublicKey key)
    {
        var rsa = new AsnWriter(AsnEncodingRules.DER);
        using (rsa.PushSequence())
        {
            rsa.WriteIntegerUnsigned(key.GetModulusBigEndian());
            rsa.WriteInteger((long)key.PublicExponent);
        }

        using (writer.PushSequence())
        {
            WriteAlgorithm(writer, RsaEncryption);
            writer.WriteBitString(rsa.Encode());
        }
    }

    /// <summary>One Extension.</summary>
    public static void WriteExtension(AsnWriter writer, string oid, byte[] value, bool critical)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (critical)
            {
                writer.WriteBoolean(true);
            }

            writer.WriteOctetString(value);
        }
    }

    /// <summary>basicConstraints: cA TRUE, pathLenConstraint 0.</summary>
    public static byte[] CertificateAuthorityConstraints()
    {
        var constraints = new AsnWriter(AsnEncodingRules.DER);
        using (constraints.PushSequence())
        {
            constraints.WriteBoolean(true);
            constraints.WriteInteger(0);
        }

        return constraints.Encode();
    }

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } signed with <paramref name="key"/>.</summary>
    public static byte[] Sign(byte[] tbs, RsaPrivateKey key, string algorithm)
    {
        byte[] signature = algorithm == Sha256WithRsa ? key.SignSha256(tbs) : key.SignSha1(tbs);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            WriteAlgorithm(writer, algorithm);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }
}
