namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 2.2.1.4.2] / [MS-RDPBCGR 2.2.1.4.3.1] Outcome of checking a server certificate.
/// </summary>
public enum CertificateCheck
{
    /// <summary>The certificate is well formed and its key usable.</summary>
    Valid,

    /// <summary>A signature does not verify.</summary>
    SignatureInvalid,

    /// <summary>The bytes are not a well-formed certificate (truncated, bad DER, missing fields).</summary>
    Malformed,

    /// <summary>Well formed, but the key is not a usable RSA key (other algorithm, size or exponent out of range).</summary>
    UnsupportedKey,
}
