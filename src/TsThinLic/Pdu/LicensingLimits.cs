namespace TsThinLic.Pdu;

/// <summary>
/// The maxima the decoder checks every length field against, before it allocates anything. Each one is well above what
/// any server sends ([MS-RDPELE 4] samples and captures) and small enough that a hostile length cannot make the client
/// allocate more than about two licensing PDUs' worth of memory.
/// </summary>
public static class LicensingLimits
{
    /// <summary>A whole PDU: wMsgSize is 16 bits, plus the 4-byte TS_SECURITY_HEADER in front.</summary>
    public const int MaxPduLength = ushort.MaxValue + SecurityHeader.Length;

    /// <summary>wBlobLen is 16 bits.</summary>
    public const int MaxBlobLength = ushort.MaxValue;

    /// <summary>
    /// cbCompanyName, cbProductId, cbScope (bytes, NUL included). Servers send "Microsoft Corporation" (44 bytes),
    /// "A02" (8), "microsoft.com" (14).
    /// </summary>
    public const int MaxStringLength = 4096;

    /// <summary>ScopeCount. Servers send one scope.</summary>
    public const int MaxScopeCount = 256;

    /// <summary>Entries in the KeyExchangeList blob. Only KEY_EXCHANGE_ALG_RSA (1) exists.</summary>
    public const int MaxKeyExchangeAlgorithmCount = 256;

    /// <summary>NumCertBlobs of an X.509 chain. License servers send two (license server, then terminal server).</summary>
    public const int MaxCertificateCount = 16;

    /// <summary>cbCert of one X.509 certificate. The spec's 4.1 certificates are 757 and 1277 bytes.</summary>
    public const int MaxCertificateLength = 16 * 1024;

    /// <summary>keylen of an RSA1 public key blob: a 16384-bit modulus plus its 8 bytes of zero padding.</summary>
    public const int MaxRsaKeyLength = (16384 / 8) + 8;

    /// <summary>A whole SERVER_CERTIFICATE handed to <c>ServerCertificate.TryDecode</c>: it must fit a wBlobLen.</summary>
    public const int MaxServerCertificateLength = MaxBlobLength;

    /// <summary>cbLicenseInfo of NEW_LICENSE_INFO: it travels inside one BB_ENCRYPTED_DATA_BLOB.</summary>
    public const int MaxLicenseInfoLength = MaxBlobLength;

    /// <summary>A whole NEW_LICENSE_INFO or PLATFORM_CHALLENGE_RESPONSE_DATA: the plaintext of one blob.</summary>
    public const int MaxDecryptedStructureLength = MaxBlobLength;
}
