using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class LicensingSpecNamesTests
{
    [Theory]
    [InlineData(LicensingMessageType.LicenseRequest, "LICENSE_REQUEST")]
    [InlineData(LicensingMessageType.PlatformChallenge, "PLATFORM_CHALLENGE")]
    [InlineData(LicensingMessageType.NewLicense, "NEW_LICENSE")]
    [InlineData(LicensingMessageType.UpgradeLicense, "UPGRADE_LICENSE")]
    [InlineData(LicensingMessageType.LicenseInfo, "LICENSE_INFO")]
    [InlineData(LicensingMessageType.NewLicenseRequest, "NEW_LICENSE_REQUEST")]
    [InlineData(LicensingMessageType.PlatformChallengeResponse, "PLATFORM_CHALLENGE_RESPONSE")]
    [InlineData(LicensingMessageType.ErrorAlert, "ERROR_ALERT")]
    [InlineData((LicensingMessageType)0x42, "0x42")]
    public void NamesMessageTypes(LicensingMessageType type, string name) => Assert.Equal(name, LicensingSpecNames.MessageType(type));

    [Theory]
    [InlineData(LicensingErrorCode.InvalidServerCertificate, "ERR_INVALID_SERVER_CERTIFICATE")]
    [InlineData(LicensingErrorCode.NoLicense, "ERR_NO_LICENSE")]
    [InlineData(LicensingErrorCode.InvalidMac, "ERR_INVALID_MAC")]
    [InlineData(LicensingErrorCode.InvalidScope, "ERR_INVALID_SCOPE")]
    [InlineData(LicensingErrorCode.NoLicenseServer, "ERR_NO_LICENSE_SERVER")]
    [InlineData(LicensingErrorCode.ValidClient, "STATUS_VALID_CLIENT")]
    [InlineData(LicensingErrorCode.InvalidClient, "ERR_INVALID_CLIENT")]
    [InlineData(LicensingErrorCode.InvalidProductId, "ERR_INVALID_PRODUCTID")]
    [InlineData(LicensingErrorCode.InvalidMessageLength, "ERR_INVALID_MESSAGE_LEN")]
    [InlineData((LicensingErrorCode)0x99, "0x00000099")]
    public void NamesErrorCodes(LicensingErrorCode code, string name) => Assert.Equal(name, LicensingSpecNames.ErrorCode(code));

    [Theory]
    [InlineData(LicensingStateTransition.TotalAbort, "ST_TOTAL_ABORT")]
    [InlineData(LicensingStateTransition.NoTransition, "ST_NO_TRANSITION")]
    [InlineData(LicensingStateTransition.ResetPhaseToStart, "ST_RESET_PHASE_TO_START")]
    [InlineData(LicensingStateTransition.ResendLastMessage, "ST_RESEND_LAST_MESSAGE")]
    [InlineData((LicensingStateTransition)9, "0x00000009")]
    public void NamesStateTransitions(LicensingStateTransition transition, string name) => Assert.Equal(name, LicensingSpecNames.StateTransition(transition));

    [Theory]
    [InlineData(0x0001, "BB_DATA_BLOB")]
    [InlineData(0x0002, "BB_RANDOM_BLOB")]
    [InlineData(0x0003, "BB_CERTIFICATE_BLOB")]
    [InlineData(0x0004, "BB_ERROR_BLOB")]
    [InlineData(0x0009, "BB_ENCRYPTED_DATA_BLOB")]
    [InlineData(0x000D, "BB_KEY_EXCHG_ALG_BLOB")]
    [InlineData(0x000E, "BB_SCOPE_BLOB")]
    [InlineData(0x000F, "BB_CLIENT_USER_NAME_BLOB")]
    [InlineData(0x0010, "BB_CLIENT_MACHINE_NAME_BLOB")]
    [InlineData(0x1428, "0x1428")]
    [InlineData(0xF750, "0xf750")]
    public void NamesBlobTypes(ushort blobType, string name) => Assert.Equal(name, LicensingSpecNames.BlobType(blobType));
}
