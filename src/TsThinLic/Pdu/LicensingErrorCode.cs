namespace TsThinLic.Pdu;

/// <summary>[MS-RDPBCGR 2.2.1.12.1.3] Licensing Error Message dwErrorCode. Unknown values are kept as received.</summary>
public enum LicensingErrorCode : uint
{
    /// <summary>ERR_INVALID_SERVER_CERTIFICATE.</summary>
    InvalidServerCertificate = 0x00000001,

    /// <summary>ERR_NO_LICENSE.</summary>
    NoLicense = 0x00000002,

    /// <summary>ERR_INVALID_MAC.</summary>
    InvalidMac = 0x00000003,

    /// <summary>ERR_INVALID_SCOPE.</summary>
    InvalidScope = 0x00000004,

    /// <summary>ERR_NO_LICENSE_SERVER.</summary>
    NoLicenseServer = 0x00000006,

    /// <summary>STATUS_VALID_CLIENT: with ST_NO_TRANSITION, licensing succeeded without a license being issued.</summary>
    ValidClient = 0x00000007,

    /// <summary>ERR_INVALID_CLIENT.</summary>
    InvalidClient = 0x00000008,

    /// <summary>ERR_INVALID_PRODUCTID.</summary>
    InvalidProductId = 0x0000000B,

    /// <summary>ERR_INVALID_MESSAGE_LEN.</summary>
    InvalidMessageLength = 0x0000000C,
}
