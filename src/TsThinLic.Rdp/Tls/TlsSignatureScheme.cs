namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 7.4.1.4.1] SignatureAndHashAlgorithm as one 16-bit value (hash, then signature), with the
/// rsa_pss_rsae_* code points [RFC 8446 4.2.3] defines for TLS 1.2 as well. RSA only: the certificate is RSA.
/// </summary>
internal enum TlsSignatureScheme : ushort
{
    /// <summary>rsa_pkcs1_sha1: hash sha1 (2), signature rsa (1).</summary>
    RsaPkcs1Sha1 = 0x0201,

    /// <summary>rsa_pkcs1_sha256: hash sha256 (4), signature rsa (1).</summary>
    RsaPkcs1Sha256 = 0x0401,

    /// <summary>rsa_pkcs1_sha384: hash sha384 (5), signature rsa (1).</summary>
    RsaPkcs1Sha384 = 0x0501,

    /// <summary>rsa_pkcs1_sha512: hash sha512 (6), signature rsa (1).</summary>
    RsaPkcs1Sha512 = 0x0601,

    /// <summary>rsa_pss_rsae_sha256: RSASSA-PSS, MGF1 with SHA-256, salt as long as the hash.</summary>
    RsaPssRsaeSha256 = 0x0804,

    /// <summary>rsa_pss_rsae_sha384.</summary>
    RsaPssRsaeSha384 = 0x0805,
}
