using System.Globalization;

namespace TsThinLic.Pdu;

/// <summary>[MS-RDPBCGR 2.2.1.12] The spec's own names for licensing constants, for logs and people.</summary>
public static class LicensingSpecNames
{
    /// <summary>bMsgType name, e.g. <c>LICENSE_REQUEST</c>; an unknown value prints as <c>0x42</c>.</summary>
    public static string MessageType(LicensingMessageType type) => type switch
    {
        LicensingMessageType.LicenseRequest => "LICENSE_REQUEST",
        LicensingMessageType.PlatformChallenge => "PLATFORM_CHALLENGE",
        LicensingMessageType.NewLicense => "NEW_LICENSE",
        LicensingMessageType.UpgradeLicense => "UPGRADE_LICENSE",
        LicensingMessageType.LicenseInfo => "LICENSE_INFO",
        LicensingMessageType.NewLicenseRequest => "NEW_LICENSE_REQUEST",
        LicensingMessageType.PlatformChallengeResponse => "PLATFORM_CHALLENGE_RESPONSE",
        LicensingMessageType.ErrorAlert => "ERROR_ALERT",
        _ => "0x" + ((byte)type).ToString("x2", CultureInfo.InvariantCulture),
    };

    /// <summary>dwErrorCode name, e.g. <c>STATUS_VALID_CLIENT</c>, <c>ERR_INVALID_MAC</c>.</summary>
    public static string ErrorCode(LicensingErrorCode code) => code switch
    {
        LicensingErrorCode.InvalidServerCertificate => "ERR_INVALID_SERVER_CERTIFICATE",
        LicensingErrorCode.NoLicense => "ERR_NO_LICENSE",
        LicensingErrorCode.InvalidMac => "ERR_INVALID_MAC",
        LicensingErrorCode.InvalidScope => "ERR_INVALID_SCOPE",
        LicensingErrorCode.NoLicenseServer => "ERR_NO_LICENSE_SERVER",
        LicensingErrorCode.ValidClient => "STATUS_VALID_CLIENT",
        LicensingErrorCode.InvalidClient => "ERR_INVALID_CLIENT",
        LicensingErrorCode.InvalidProductId => "ERR_INVALID_PRODUCTID",
        LicensingErrorCode.InvalidMessageLength => "ERR_INVALID_MESSAGE_LEN",
        _ => "0x" + ((uint)code).ToString("x8", CultureInfo.InvariantCulture),
    };

    /// <summary>dwStateTransition name, e.g. <c>ST_TOTAL_ABORT</c>.</summary>
    public static string StateTransition(LicensingStateTransition transition) => transition switch
    {
        LicensingStateTransition.TotalAbort => "ST_TOTAL_ABORT",
        LicensingStateTransition.NoTransition => "ST_NO_TRANSITION",
        LicensingStateTransition.ResetPhaseToStart => "ST_RESET_PHASE_TO_START",
        LicensingStateTransition.ResendLastMessage => "ST_RESEND_LAST_MESSAGE",
        _ => "0x" + ((uint)transition).ToString("x8", CultureInfo.InvariantCulture),
    };

    /// <summary>wBlobType name, e.g. <c>BB_DATA_BLOB</c>; an unknown value prints as <c>0x1428</c>.</summary>
    public static string BlobType(ushort blobType) => (BinaryBlobType)blobType switch
    {
        BinaryBlobType.Any => "BB_ANY_BLOB",
        BinaryBlobType.Data => "BB_DATA_BLOB",
        BinaryBlobType.Random => "BB_RANDOM_BLOB",
        BinaryBlobType.Certificate => "BB_CERTIFICATE_BLOB",
        BinaryBlobType.Error => "BB_ERROR_BLOB",
        BinaryBlobType.RsaKey => "BB_RSA_KEY_BLOB",
        BinaryBlobType.RsaSignature => "BB_RSA_SIGNATURE_BLOB",
        BinaryBlobType.EncryptedData => "BB_ENCRYPTED_DATA_BLOB",
        BinaryBlobType.KeyExchangeAlgorithm => "BB_KEY_EXCHG_ALG_BLOB",
        BinaryBlobType.Scope => "BB_SCOPE_BLOB",
        BinaryBlobType.ClientUserName => "BB_CLIENT_USER_NAME_BLOB",
        BinaryBlobType.ClientMachineName => "BB_CLIENT_MACHINE_NAME_BLOB",
        _ => "0x" + blobType.ToString("x4", CultureInfo.InvariantCulture),
    };
}
