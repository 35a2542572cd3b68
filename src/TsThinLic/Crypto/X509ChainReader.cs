using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Math;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 2.2.1.4.2] / [MS-RDPBCGR 2.2.1.4.3.1] X.509 certificate chain of a license server or terminal
/// server: the public key that encrypts the premaster secret is in the LAST certificate.
/// </summary>
/// <remarks>
/// Certificates from Windows license servers use OIW object identifiers: 1.3.14.3.2.15 (shaWithRSASignature) as
/// the SubjectPublicKeyInfo algorithm instead of rsaEncryption, and 1.3.14.3.2.29 (sha1WithRSASignature) as the
/// signature algorithm. Certificates are therefore read at the ASN.1 level (RFC 5280 4.1) rather than through a
/// certificate parser that would refuse them; extensions are not interpreted. Nothing thrown by BouncyCastle
/// escapes: wire data gets a result.
/// </remarks>
public static class X509ChainReader
{
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string OiwShaWithRsaOid = "1.3.14.3.2.15";
    private const string OiwSha1WithRsaOid = "1.3.14.3.2.29";

    /// <summary>Reads the RSA public key of the last certificate of <paramref name="certificates"/> (DER blobs).</summary>
    /// <returns><see cref="CertificateCheck.Valid"/> with the key; otherwise why not, with a human-readable detail.</returns>
    public static CertificateCheck TryGetLeafPublicKey(IReadOnlyList<ReadOnlyMemory<byte>> certificates, out RsaPublicKey? key, out string? detail)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        key = null;
        if (certificates.Count == 0)
        {
            detail = "The certificate chain is empty.";
            return CertificateCheck.Malformed;
        }

        CertificateCheck check = TryParse(certificates[^1].Span, out ParsedCertificate? parsed, out detail);
        if (check == CertificateCheck.Valid)
        {
            key = parsed!.PublicKey;
        }

        return check;
    }

    /// <summary>
    /// True when certificate 0 is signed by its own key and each certificate i &gt; 0 by the key of certificate
    /// i − 1 (PKCS#1 v1.5 with MD5, SHA-1 including the OIW identifiers, or SHA-2). False, never an exception, for
    /// an empty chain or anything malformed or unsupported.
    /// </summary>
    public static bool VerifyChainSignatures(IReadOnlyList<ReadOnlyMemory<byte>> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (certificates.Count == 0)
        {
            return false;
        }

        RsaPublicKey? issuerKey = null;
        for (int i = 0; i < certificates.Count; i++)
        {
            if (TryParse(certificates[i].Span, out ParsedCertificate? certificate, out _) != CertificateCheck.Valid
                || certificate is null
                || !VerifySignature(certificate, issuerKey ?? certificate.PublicKey))
            {
                return false;
            }

            issuerKey = certificate.PublicKey;
        }

        return true;
    }

    /// <summary>Whether <paramref name="certificate"/> (DER) carries a signature made by <paramref name="issuerKey"/>. Never throws.</summary>
    internal static bool VerifySignedBy(ReadOnlySpan<byte> certificate, RsaPublicKey issuerKey)
        => TryParse(certificate, out ParsedCertificate? parsed, out _) == CertificateCheck.Valid
            && VerifySignature(parsed!, issuerKey);

    private static CertificateCheck TryParse(ReadOnlySpan<byte> der, out ParsedCertificate? parsed, out string? detail)
    {
        parsed = null;
        try
        {
            return TryParseCore(der, out parsed, out detail);
        }
        catch (Exception exception)
        {
            // The seam: whatever BouncyCastle throws on hostile DER becomes Malformed.
            detail = $"Malformed certificate ({exception.GetType().Name}).";
            return CertificateCheck.Malformed;
        }
    }

    private static CertificateCheck TryParseCore(ReadOnlySpan<byte> der, out ParsedCertificate? parsed, out string? detail)
    {
        parsed = null;
        if (!DerReader.IsWellFormed(der))
        {
            detail = "The certificate is not well-formed DER.";
            return CertificateCheck.Malformed;
        }

        // RFC 5280 4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        var outer = new DerReader(der);
        if (!outer.TryRead(out byte tag, out _, out ReadOnlySpan<byte> certificateContents) || tag != 0x30 || outer.HasData)
        {
            detail = "The certificate is not one DER SEQUENCE.";
            return CertificateCheck.Malformed;
        }

        var certificateReader = new DerReader(certificateContents);
        if (!certificateReader.TryRead(out byte tbsTag, out ReadOnlySpan<byte> tbs, out ReadOnlySpan<byte> tbsContents) || tbsTag != 0x30
            || !certificateReader.TryRead(out byte algorithmTag, out ReadOnlySpan<byte> signatureAlgorithm, out _) || algorithmTag != 0x30
            || !certificateReader.TryRead(out byte signatureTag, out ReadOnlySpan<byte> signatureValue, out _) || signatureTag != 0x03
            || certificateReader.HasData)
        {
            detail = "The certificate does not hold tbsCertificate, signatureAlgorithm and signatureValue.";
            return CertificateCheck.Malformed;
        }

        // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
        // subjectPublicKeyInfo, ... }
        var tbsReader = new DerReader(tbsContents);
        if (!tbsReader.TryRead(out byte fieldTag, out _, out _))
        {
            detail = "The tbsCertificate is empty.";
            return CertificateCheck.Malformed;
        }

        int fieldsBeforeKey = fieldTag == 0xA0 ? 5 : 4;
        for (int i = 0; i < fieldsBeforeKey; i++)
        {
            if (!tbsReader.TryRead(out _, out _, out _))
            {
                detail = "The tbsCertificate ends before subjectPublicKeyInfo.";
                return CertificateCheck.Malformed;
            }
        }

        if (!tbsReader.TryRead(out byte keyInfoTag, out ReadOnlySpan<byte> subjectPublicKeyInfo, out _) || keyInfoTag != 0x30)
        {
            detail = "The tbsCertificate has no subjectPublicKeyInfo.";
            return CertificateCheck.Malformed;
        }

        var keyInfo = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(subjectPublicKeyInfo.ToArray()));
        string keyAlgorithm = keyInfo.Algorithm.Algorithm.Id;
        if (keyAlgorithm is not (RsaEncryptionOid or OiwShaWithRsaOid or OiwSha1WithRsaOid))
        {
            detail = $"The subject public key algorithm {keyAlgorithm} is not RSA.";
            return CertificateCheck.UnsupportedKey;
        }

        DerBitString keyBits = keyInfo.PublicKey;
        byte[] rsaPublicKey = keyBits.GetOctets();
        if (keyBits.PadBits != 0 || !DerReader.IsWellFormed(rsaPublicKey))
        {
            detail = "The subjectPublicKey is not a DER RSAPublicKey.";
            return CertificateCheck.Malformed;
        }

        // PKCS#1 (RFC 8017 A.1.1): RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        var rsa = RsaPublicKeyStructure.GetInstance(Asn1Object.FromByteArray(rsaPublicKey));
        if (!RsaPublicKey.TryCreate(rsa.Modulus, rsa.PublicExponent, out RsaPublicKey? key))
        {
            detail = $"The RSA key ({rsa.Modulus.BitLength} bits) is outside what is supported.";
            return CertificateCheck.UnsupportedKey;
        }

        var algorithm = AlgorithmIdentifier.GetInstance(Asn1Object.FromByteArray(signatureAlgorithm.ToArray()));
        var signature = DerBitString.GetInstance(Asn1Object.FromByteArray(signatureValue.ToArray()));
        if (signature.PadBits != 0)
        {
            detail = "The signatureValue is not a whole number of octets.";
            return CertificateCheck.Malformed;
        }

        parsed = new ParsedCertificate(tbs.ToArray(), algorithm.Algorithm.Id, signature.GetOctets(), key);
        detail = null;
        return CertificateCheck.Valid;
    }

    /// <summary>RFC 8017 8.2.2: RSASSA-PKCS1-v1_5 verification over the raw tbsCertificate bytes.</summary>
    private static bool VerifySignature(ParsedCertificate certificate, RsaPublicKey issuerKey)
    {
        try
        {
            IDigest? digest = CreateDigest(certificate.SignatureAlgorithm, out byte[]? digestOid);
            if (digest is null || digestOid is null)
            {
                return false;
            }

            int k = issuerKey.ModulusLength;
            if (certificate.Signature.Length > k)
            {
                return false;
            }

            BigInteger s = RsaMath.FromBigEndian(certificate.Signature);
            if (s.CompareTo(issuerKey.Modulus) >= 0)
            {
                return false;
            }

            byte[] encoded = new byte[k];
            if (!RsaMath.TryWriteBigEndian(s.ModPow(issuerKey.Exponent, issuerKey.Modulus), encoded))
            {
                return false;
            }

            byte[] hash = new byte[digest.GetDigestSize()];
            digest.BlockUpdate(certificate.TbsCertificate);
            digest.DoFinal(hash);

            // DigestInfo's AlgorithmIdentifier parameters are NULL per RFC 8017 9.2, but some signers omit them.
            return MatchesPkcs1Encoding(encoded, digestOid, hash, withNullParameters: true)
                || MatchesPkcs1Encoding(encoded, digestOid, hash, withNullParameters: false);
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>EM = 0x00 || 0x01 || PS (0xFF…, at least 8) || 0x00 || DigestInfo (RFC 8017 9.2).</summary>
    private static bool MatchesPkcs1Encoding(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> digestOid, ReadOnlySpan<byte> hash, bool withNullParameters)
    {
        int algorithmContents = 2 + digestOid.Length + (withNullParameters ? 2 : 0);
        int digestInfoContents = 2 + algorithmContents + 2 + hash.Length;
        int paddingLength = encoded.Length - 3 - (2 + digestInfoContents);
        if (paddingLength < 8 || digestInfoContents > 0x7F)
        {
            return false;
        }

        byte[] expected = new byte[encoded.Length];
        expected[1] = 0x01;
        expected.AsSpan(2, paddingLength).Fill(0xFF);
        int offset = 2 + paddingLength + 1;
        expected[offset++] = 0x30; // DigestInfo
        expected[offset++] = (byte)digestInfoContents;
        expected[offset++] = 0x30; // AlgorithmIdentifier
        expected[offset++] = (byte)algorithmContents;
        expected[offset++] = 0x06;
        expected[offset++] = (byte)digestOid.Length;
        digestOid.CopyTo(expected.AsSpan(offset));
        offset += digestOid.Length;
        if (withNullParameters)
        {
            expected[offset++] = 0x05;
            expected[offset++] = 0x00;
        }

        expected[offset++] = 0x04;
        expected[offset++] = (byte)hash.Length;
        hash.CopyTo(expected.AsSpan(offset));
        return CryptographicOperations.FixedTimeEquals(expected, encoded);
    }

    /// <summary>The digest of a signature algorithm, with the DER contents of the digest's OID for DigestInfo.</summary>
    private static IDigest? CreateDigest(string signatureAlgorithm, out byte[]? digestOid)
    {
        switch (signatureAlgorithm)
        {
            case "1.2.840.113549.1.1.4": // md5WithRSAEncryption
                digestOid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];
                return new MD5Digest();
            case "1.2.840.113549.1.1.5": // sha1WithRSAEncryption
            case OiwSha1WithRsaOid:
            case OiwShaWithRsaOid: // Microsoft CryptoAPI maps the OIW shaRSA identifier to SHA-1 as well
                digestOid = [0x2b, 0x0e, 0x03, 0x02, 0x1a];
                return new Sha1Digest();
            case "1.2.840.113549.1.1.14": // sha224WithRSAEncryption
                digestOid = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04];
                return new Sha224Digest();
            case "1.2.840.113549.1.1.11": // sha256WithRSAEncryption
                digestOid = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
                return new Sha256Digest();
            case "1.2.840.113549.1.1.12": // sha384WithRSAEncryption
                digestOid = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
                return new Sha384Digest();
            case "1.2.840.113549.1.1.13": // sha512WithRSAEncryption
                digestOid = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
                return new Sha512Digest();
            default:
                digestOid = null;
                return null;
        }
    }

    private sealed class ParsedCertificate(byte[] tbsCertificate, string signatureAlgorithm, byte[] signature, RsaPublicKey publicKey)
    {
        public byte[] TbsCertificate { get; } = tbsCertificate;

        public string SignatureAlgorithm { get; } = signatureAlgorithm;

        public byte[] Signature { get; } = signature;

        public RsaPublicKey PublicKey { get; } = publicKey;
    }
}
