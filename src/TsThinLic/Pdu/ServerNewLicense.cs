namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.7] Server New License (SERVER_NEW_LICENSE) and [MS-RDPELE 2.2.2.6] Server Upgrade License
/// (SERVER_UPGRADE_LICENSE): EncryptedLicenseInfo, MACData. Both have the same layout; the preamble's bMsgType
/// (NEW_LICENSE or UPGRADE_LICENSE) tells them apart.
/// </summary>
public sealed class ServerNewLicense : LicensingPdu
{
    public const int MacLength = 16;

    private const int MinimumBodyLength = LicenseBinaryBlob.HeaderLength + MacLength;

    /// <summary>The preamble's bMsgType (NEW_LICENSE or UPGRADE_LICENSE) decides which message this is.</summary>
    public ServerNewLicense(LicensePreamble preamble, SecurityHeader? securityHeader, LicenseBinaryBlob encryptedLicenseInfo, ReadOnlyMemory<byte> macData)
        : base(preamble, securityHeader, LicensingMessageType.NewLicense, LicensingMessageType.UpgradeLicense)
    {
        EncryptedLicenseInfo = encryptedLicenseInfo;
        MacData = RequireLength(macData, MacLength, nameof(macData));
        EnsureFitsMessageSize();
    }

    /// <summary>Whether this is UPGRADE_LICENSE (it replaces the license the client presented).</summary>
    public bool IsUpgrade => MessageType == LicensingMessageType.UpgradeLicense;

    /// <summary>EncryptedLicenseInfo: NEW_LICENSE_INFO encrypted with the licensing encryption key.</summary>
    public LicenseBinaryBlob EncryptedLicenseInfo { get; }

    /// <summary>MACData: the MAC of the decrypted NEW_LICENSE_INFO (16 bytes).</summary>
    public ReadOnlyMemory<byte> MacData { get; }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    private protected override int BodyLength => EncryptedLicenseInfo.EncodedLength + MacLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadBlob("EncryptedLicenseInfo", out LicenseBinaryBlob licenseInfo)
            || !reader.TryReadBytes("MACData", MacLength, out ReadOnlyMemory<byte> mac)
            || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ServerNewLicense(preamble, securityHeader, licenseInfo, mac);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteBlob(EncryptedLicenseInfo);
        writer.WriteBytes(MacData.Span);
    }
}
