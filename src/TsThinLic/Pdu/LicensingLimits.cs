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

    /// <summary>
    /// [MS-RDPELE 2.2.2.3] What a LICENSE_INFO carries besides its two variable parts (the encrypted premaster secret,
    /// whose length follows the server's key, and the CAL): wMsgSize counts all of it, preamble included
    /// ([MS-RDPBCGR 2.2.1.12.1.1]), and the security header in front is not counted.
    /// </summary>
    public const int LicenseInfoFixedLength = LicensePreamble.Length /* bMsgType, flags, wMsgSize */
        + 4 /* dwPreferredKeyExchangeAlg */ + 4 /* dwPlatformId */ + 32 /* ClientRandom */
        + LicenseBinaryBlob.HeaderLength /* EncryptedPreMasterSecret wBlobType, wBlobLen */
        + LicenseBinaryBlob.HeaderLength /* LicenseInfo wBlobType, wBlobLen */
        + LicenseBinaryBlob.HeaderLength + 20 /* EncryptedHWID: blob header and CLIENT_HARDWARE_ID */
        + 16 /* MACData */;

    /// <summary>
    /// The longest CAL (pbLicenseInfo) this client keeps or accepts from a server: the longest that a LICENSE_INFO can
    /// still present to a server with the largest key it accepts (a 16384-bit modulus, whose encrypted premaster secret
    /// is <see cref="MaxRsaKeyLength"/> bytes), within wMsgSize's 65,535 bytes. 65,535 − 92 − 2,056 = 63,387 bytes. A
    /// longer CAL fits a store but could not be presented to every server, and one longer still to none: it is
    /// refused where it enters (a NEW_LICENSE or UPGRADE_LICENSE, an import), with this reason.
    /// </summary>
    public const int MaxPresentableLicenseInfoLength = ushort.MaxValue - LicenseInfoFixedLength - MaxRsaKeyLength;

    /// <summary>The longest CAL a LICENSE_INFO can carry to a server whose RSA modulus is <paramref name="modulusLength"/> bytes.</summary>
    public static int MaxLicenseInfoLengthFor(int modulusLength) => ushort.MaxValue - LicenseInfoFixedLength - (modulusLength + 8 /* the zero padding of EncryptedPreMasterSecret */);
}
