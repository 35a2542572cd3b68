namespace TsThinLic.Pdu;

/// <summary>[MS-RDPBCGR 2.2.1.12.1.1] Licensing Preamble bMsgType.</summary>
public enum LicensingMessageType : byte
{
    /// <summary>LICENSE_REQUEST: SERVER_LICENSE_REQUEST ([MS-RDPELE 2.2.2.1]).</summary>
    LicenseRequest = 0x01,

    /// <summary>PLATFORM_CHALLENGE: SERVER_PLATFORM_CHALLENGE ([MS-RDPELE 2.2.2.4]).</summary>
    PlatformChallenge = 0x02,

    /// <summary>NEW_LICENSE: SERVER_NEW_LICENSE ([MS-RDPELE 2.2.2.7]).</summary>
    NewLicense = 0x03,

    /// <summary>UPGRADE_LICENSE: SERVER_UPGRADE_LICENSE ([MS-RDPELE 2.2.2.6]).</summary>
    UpgradeLicense = 0x04,

    /// <summary>LICENSE_INFO: CLIENT_LICENSE_INFO ([MS-RDPELE 2.2.2.3]).</summary>
    LicenseInfo = 0x12,

    /// <summary>NEW_LICENSE_REQUEST: CLIENT_NEW_LICENSE_REQUEST ([MS-RDPELE 2.2.2.2]).</summary>
    NewLicenseRequest = 0x13,

    /// <summary>PLATFORM_CHALLENGE_RESPONSE: CLIENT_PLATFORM_CHALLENGE_RESPONSE ([MS-RDPELE 2.2.2.5]).</summary>
    PlatformChallengeResponse = 0x15,

    /// <summary>ERROR_ALERT: LICENSE_ERROR_MESSAGE ([MS-RDPBCGR 2.2.1.12.1.3]).</summary>
    ErrorAlert = 0xFF,
}
