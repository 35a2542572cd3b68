namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.4] Server Platform Challenge (SERVER_PLATFORM_CHALLENGE): ConnectFlags, EncryptedPlatformChallenge,
/// MACData. The spec ignores the challenge blob's type (its 4.4 sample has 0xF750); it is kept as received.
/// </summary>
public sealed class ServerPlatformChallenge : LicensingPdu
{
    public const int MacLength = 16;

    private const int MinimumBodyLength = 4 /* ConnectFlags */ + LicenseBinaryBlob.HeaderLength + MacLength;

    public ServerPlatformChallenge(LicensePreamble preamble, SecurityHeader? securityHeader, uint connectFlags, LicenseBinaryBlob encryptedPlatformChallenge, ReadOnlyMemory<byte> macData)
        : base(preamble, securityHeader, LicensingMessageType.PlatformChallenge)
    {
        ConnectFlags = connectFlags;
        EncryptedPlatformChallenge = encryptedPlatformChallenge;
        MacData = RequireLength(macData, MacLength, nameof(macData));
        EnsureFitsMessageSize();
    }

    /// <summary>ConnectFlags (reserved).</summary>
    public uint ConnectFlags { get; }

    /// <summary>EncryptedPlatformChallenge.</summary>
    public LicenseBinaryBlob EncryptedPlatformChallenge { get; }

    /// <summary>MACData: the MAC of the decrypted challenge (16 bytes).</summary>
    public ReadOnlyMemory<byte> MacData { get; }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    private protected override int BodyLength => 4 /* ConnectFlags */ + EncryptedPlatformChallenge.EncodedLength + MacLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadUInt32("ConnectFlags", out uint connectFlags)
            || !reader.TryReadBlob("EncryptedPlatformChallenge", out LicenseBinaryBlob challenge)
            || !reader.TryReadBytes("MACData", MacLength, out ReadOnlyMemory<byte> mac)
            || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ServerPlatformChallenge(preamble, securityHeader, connectFlags, challenge, mac);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteUInt32(ConnectFlags);
        writer.WriteBlob(EncryptedPlatformChallenge);
        writer.WriteBytes(MacData.Span);
    }
}
