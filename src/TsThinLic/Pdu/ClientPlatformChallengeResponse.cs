namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.5] Client Platform Challenge Response (CLIENT_PLATFORM_CHALLENGE_RESPONSE):
/// EncryptedPlatformChallengeResponse, EncryptedHWID, MACData. Blob types are kept as received (the spec's 4.5 sample
/// uses type 1 for both).
/// </summary>
public sealed class ClientPlatformChallengeResponse : LicensingPdu
{
    public const int MacLength = 16;

    private const int MinimumBodyLength = (2 * LicenseBinaryBlob.HeaderLength) + MacLength;

    public ClientPlatformChallengeResponse(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        LicenseBinaryBlob encryptedPlatformChallengeResponse,
        LicenseBinaryBlob encryptedHardwareId,
        ReadOnlyMemory<byte> macData)
        : base(preamble, securityHeader, LicensingMessageType.PlatformChallengeResponse)
    {
        EncryptedPlatformChallengeResponse = encryptedPlatformChallengeResponse;
        EncryptedHardwareId = encryptedHardwareId;
        MacData = RequireLength(macData, MacLength, nameof(macData));
        EnsureFitsMessageSize();
    }

    /// <summary>EncryptedPlatformChallengeResponse: PLATFORM_CHALLENGE_RESPONSE_DATA, encrypted.</summary>
    public LicenseBinaryBlob EncryptedPlatformChallengeResponse { get; }

    /// <summary>EncryptedHWID: CLIENT_HARDWARE_ID, encrypted.</summary>
    public LicenseBinaryBlob EncryptedHardwareId { get; }

    /// <summary>MACData: the MAC of both plaintexts, response data first (16 bytes).</summary>
    public ReadOnlyMemory<byte> MacData { get; }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    private protected override int BodyLength => EncryptedPlatformChallengeResponse.EncodedLength + EncryptedHardwareId.EncodedLength + MacLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadBlob("EncryptedPlatformChallengeResponse", out LicenseBinaryBlob response)
            || !reader.TryReadBlob("EncryptedHWID", out LicenseBinaryBlob hardwareId)
            || !reader.TryReadBytes("MACData", MacLength, out ReadOnlyMemory<byte> mac)
            || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ClientPlatformChallengeResponse(preamble, securityHeader, response, hardwareId, mac);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteBlob(EncryptedPlatformChallengeResponse);
        writer.WriteBlob(EncryptedHardwareId);
        writer.WriteBytes(MacData.Span);
    }
}
