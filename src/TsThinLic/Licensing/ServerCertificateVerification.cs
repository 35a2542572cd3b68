using TsThinLic.Crypto;
using TsThinLic.Pdu;

namespace TsThinLic.Licensing;

/// <summary>The verdict on a server certificate and, when usable, the key that encrypts the premaster secret.</summary>
public sealed class ServerCertificateVerification
{
    /// <summary>
    /// Bounds on the server's RSA key. Below 512 bits the 48-byte premaster secret does not fit under the modulus;
    /// above 8192 bits a hostile server only makes the client burn time.
    /// </summary>
    public const int MinKeyBits = 512;

    public const int MaxKeyBits = 8192;

    private ServerCertificateVerification(ServerCertificateType? type, CertificateCheck check, RsaPublicKey? key, bool? chainSignaturesValid, string? detail)
    {
        Type = type;
        Check = check;
        PublicKey = key;
        ChainSignaturesValid = chainSignaturesValid;
        Detail = detail;
    }

    /// <summary>Proprietary or X.509, or null when there was no certificate at all.</summary>
    public ServerCertificateType? Type { get; }

    /// <summary>
    /// Proprietary: whether the Terminal Services signing key's signature verifies. X.509: whether the last
    /// certificate's key could be read (the chain is the license server's own and chains to no trusted root).
    /// </summary>
    public CertificateCheck Check { get; }

    /// <summary>The key to encrypt the premaster secret with, when <see cref="IsUsable"/>.</summary>
    public RsaPublicKey? PublicKey { get; }

    /// <summary>X.509 only: whether each certificate is signed by the one before it. Reported, not enforced.</summary>
    public bool? ChainSignaturesValid { get; }

    /// <summary>Why it is not usable, for people.</summary>
    public string? Detail { get; }

    public bool IsUsable => Check == CertificateCheck.Valid && PublicKey is not null;

    /// <summary>Verifies a decoded server certificate ([MS-RDPELE 2.2.1.4], [MS-RDPBCGR 2.2.1.4.3.1]).</summary>
    public static ServerCertificateVerification Verify(ServerCertificate? certificate)
    {
        switch (certificate)
        {
            case null:
                return new ServerCertificateVerification(null, CertificateCheck.Malformed, null, null, "the server sent no certificate and none was given from the GCC Server Security Data");

            case ProprietaryServerCertificate proprietary:
            {
                // [MS-RDPBCGR 5.3.3.1.2]: the TS signing key signs dwVersion through the end of PublicKeyBlob.
                bool signed = TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(proprietary.SignedData.Span, proprietary.Signature.Span);
                if (!signed)
                {
                    return new ServerCertificateVerification(ServerCertificateType.Proprietary, CertificateCheck.SignatureInvalid, null, null, "the proprietary certificate's signature does not verify against the Terminal Services signing key");
                }

                RsaPublicKeyBlob blob = proprietary.PublicKey;
                if (!RsaPublicKey.TryFromLittleEndian(blob.Modulus.Span, blob.PublicExponent, out RsaPublicKey? key))
                {
                    return new ServerCertificateVerification(ServerCertificateType.Proprietary, CertificateCheck.UnsupportedKey, null, null, "the proprietary certificate's RSA key is not usable");
                }

                return CheckKeySize(ServerCertificateType.Proprietary, key, null);
            }

            case X509CertificateChain chain:
            {
                CertificateCheck check = X509ChainReader.TryGetLeafPublicKey(chain.Certificates, out RsaPublicKey? key, out string? detail);
                bool chainValid = X509ChainReader.VerifyChainSignatures(chain.Certificates);
                if (check != CertificateCheck.Valid || key is null)
                {
                    return new ServerCertificateVerification(ServerCertificateType.X509, check == CertificateCheck.Valid ? CertificateCheck.Malformed : check, null, chainValid, detail ?? "no usable key in the last certificate");
                }

                return CheckKeySize(ServerCertificateType.X509, key, chainValid);
            }

            default:
                return new ServerCertificateVerification(certificate.Type, CertificateCheck.Malformed, null, null, "unknown certificate type");
        }
    }

    private static ServerCertificateVerification CheckKeySize(ServerCertificateType type, RsaPublicKey key, bool? chainValid)
    {
        if (key.NominalKeyBits < MinKeyBits || key.NominalKeyBits > MaxKeyBits)
        {
            return new ServerCertificateVerification(type, CertificateCheck.UnsupportedKey, null, chainValid, $"a {key.NominalKeyBits}-bit key is outside {MinKeyBits}..{MaxKeyBits} bits");
        }

        return new ServerCertificateVerification(type, CertificateCheck.Valid, key, chainValid, null);
    }
}
