namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12.1.2] Licensing Binary BLOB wBlobType. Decoded blobs keep the type as received, because real
/// servers put junk here where the spec says the type is ignored (see <see cref="LicenseBinaryBlob"/>).
/// </summary>
public enum BinaryBlobType : ushort
{
    /// <summary>BB_ANY_BLOB.</summary>
    Any = 0x0000,

    /// <summary>BB_DATA_BLOB.</summary>
    Data = 0x0001,

    /// <summary>BB_RANDOM_BLOB.</summary>
    Random = 0x0002,

    /// <summary>BB_CERTIFICATE_BLOB.</summary>
    Certificate = 0x0003,

    /// <summary>BB_ERROR_BLOB.</summary>
    Error = 0x0004,

    /// <summary>BB_RSA_KEY_BLOB ([MS-RDPBCGR 2.2.1.4.3.1.1] wPublicKeyBlobType).</summary>
    RsaKey = 0x0006,

    /// <summary>BB_RSA_SIGNATURE_BLOB ([MS-RDPBCGR 2.2.1.4.3.1.1] wSignatureBlobType).</summary>
    RsaSignature = 0x0008,

    /// <summary>BB_ENCRYPTED_DATA_BLOB.</summary>
    EncryptedData = 0x0009,

    /// <summary>BB_KEY_EXCHG_ALG_BLOB.</summary>
    KeyExchangeAlgorithm = 0x000D,

    /// <summary>BB_SCOPE_BLOB.</summary>
    Scope = 0x000E,

    /// <summary>BB_CLIENT_USER_NAME_BLOB.</summary>
    ClientUserName = 0x000F,

    /// <summary>BB_CLIENT_MACHINE_NAME_BLOB.</summary>
    ClientMachineName = 0x0010,
}
