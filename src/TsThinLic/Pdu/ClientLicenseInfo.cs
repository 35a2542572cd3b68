namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.3] Client License Information (CLIENT_LICENSE_INFO): PreferredKeyExchangeAlg, PlatformId,
/// ClientRandom, EncryptedPreMasterSecret, LicenseInfo, EncryptedHWID, MACData. Blob types are kept as received
/// (the spec's 4.3 sample sends EncryptedHWID as type 1, not BB_ENCRYPTED_DATA_BLOB).
/// </summary>
public sealed class ClientLicenseInfo : LicensingPdu
{
    public const int ClientRandomLength = 32;

    public const int MacLength = 16;

    private const int MinimumBodyLength = 4 /* PreferredKeyExchangeAlg */ + 4 /* PlatformId */ + ClientRandomLength + (3 * LicenseBinaryBlob.HeaderLength) + MacLength;

    public ClientLicenseInfo(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        uint preferredKeyExchangeAlgorithm,
        uint platformId,
        ReadOnlyMemory<byte> clientRandom,
        LicenseBinaryBlob encryptedPreMasterSecret,
        LicenseBinaryBlob licenseInfo,
        LicenseBinaryBlob encryptedHardwareId,
        ReadOnlyMemory<byte> macData)
        : base(preamble, securityHeader, LicensingMessageType.LicenseInfo)
    {
        PreferredKeyExchangeAlgorithm = preferredKeyExchangeAlgorithm;
        PlatformId = platformId;
        ClientRandom = RequireLength(clientRandom, ClientRandomLength, nameof(clientRandom));
        EncryptedPreMasterSecret = encryptedPreMasterSecret;
        LicenseInfo = licenseInfo;
        EncryptedHardwareId = encryptedHardwareId;
        MacData = RequireLength(macData, MacLength, nameof(macData));
        EnsureFitsMessageSize();
    }

    /// <summary>PreferredKeyExchangeAlg.</summary>
    public uint PreferredKeyExchangeAlgorithm { get; }

    /// <summary>PlatformId.</summary>
    public uint PlatformId { get; }

    /// <summary>ClientRandom (32 bytes).</summary>
    public ReadOnlyMemory<byte> ClientRandom { get; }

    /// <summary>EncryptedPreMasterSecret.</summary>
    public LicenseBinaryBlob EncryptedPreMasterSecret { get; }

    /// <summary>LicenseInfo: the stored CAL, in the clear.</summary>
    public LicenseBinaryBlob LicenseInfo { get; }

    /// <summary>EncryptedHWID: CLIENT_HARDWARE_ID encrypted with the licensing encryption key.</summary>
    public LicenseBinaryBlob EncryptedHardwareId { get; }

    /// <summary>MACData: the MAC of the clear HWID (16 bytes).</summary>
    public ReadOnlyMemory<byte> MacData { get; }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    private protected override int BodyLength => 4 /* PreferredKeyExchangeAlg */ + 4 /* PlatformId */ + ClientRandomLength
        + EncryptedPreMasterSecret.EncodedLength + LicenseInfo.EncodedLength + EncryptedHardwareId.EncodedLength + MacLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadUInt32("PreferredKeyExchangeAlg", out uint algorithm)
            || !reader.TryReadUInt32("PlatformId", out uint platformId)
            || !reader.TryReadBytes("ClientRandom", ClientRandomLength, out ReadOnlyMemory<byte> clientRandom)
            || !reader.TryReadBlob("EncryptedPreMasterSecret", out LicenseBinaryBlob preMaster)
            || !reader.TryReadBlob("LicenseInfo", out LicenseBinaryBlob licenseInfo)
            || !reader.TryReadBlob("EncryptedHWID", out LicenseBinaryBlob hardwareId)
            || !reader.TryReadBytes("MACData", MacLength, out ReadOnlyMemory<byte> mac)
            || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ClientLicenseInfo(preamble, securityHeader, algorithm, platformId, clientRandom, preMaster, licenseInfo, hardwareId, mac);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteUInt32(PreferredKeyExchangeAlgorithm);
        writer.WriteUInt32(PlatformId);
        writer.WriteBytes(ClientRandom.Span);
        writer.WriteBlob(EncryptedPreMasterSecret);
        writer.WriteBlob(LicenseInfo);
        writer.WriteBlob(EncryptedHardwareId);
        writer.WriteBytes(MacData.Span);
    }
}
