namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.2] Client New License Request (CLIENT_NEW_LICENSE_REQUEST): PreferredKeyExchangeAlg, PlatformId,
/// ClientRandom, EncryptedPreMasterSecret, ClientUserName, ClientMachineName. The names are ANSI with a NUL
/// (BB_CLIENT_USER_NAME_BLOB, BB_CLIENT_MACHINE_NAME_BLOB); the blobs are kept as received.
/// </summary>
public sealed class ClientNewLicenseRequest : LicensingPdu
{
    public const int ClientRandomLength = 32;

    /// <summary>KEY_EXCHANGE_ALG_RSA.</summary>
    public const uint KeyExchangeAlgorithmRsa = 0x00000001;

    private const int MinimumBodyLength = 4 /* PreferredKeyExchangeAlg */ + 4 /* PlatformId */ + ClientRandomLength + (3 * LicenseBinaryBlob.HeaderLength);

    private string? _clientUserName;
    private string? _clientMachineName;

    /// <summary>Builds the request; the names become BB_CLIENT_USER_NAME_BLOB and BB_CLIENT_MACHINE_NAME_BLOB (Latin-1, NUL; other characters become '?').</summary>
    public ClientNewLicenseRequest(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        uint preferredKeyExchangeAlgorithm,
        uint platformId,
        ReadOnlyMemory<byte> clientRandom,
        LicenseBinaryBlob encryptedPreMasterSecret,
        string clientUserName,
        string clientMachineName)
        : this(
            preamble,
            securityHeader,
            preferredKeyExchangeAlgorithm,
            platformId,
            clientRandom,
            encryptedPreMasterSecret,
            new LicenseBinaryBlob(BinaryBlobType.ClientUserName, WireStrings.EncodeAnsiZ(clientUserName)),
            new LicenseBinaryBlob(BinaryBlobType.ClientMachineName, WireStrings.EncodeAnsiZ(clientMachineName)))
    {
    }

    /// <summary>Builds the request from the name blobs as they go on the wire.</summary>
    public ClientNewLicenseRequest(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        uint preferredKeyExchangeAlgorithm,
        uint platformId,
        ReadOnlyMemory<byte> clientRandom,
        LicenseBinaryBlob encryptedPreMasterSecret,
        LicenseBinaryBlob clientUserName,
        LicenseBinaryBlob clientMachineName)
        : base(preamble, securityHeader, LicensingMessageType.NewLicenseRequest)
    {
        PreferredKeyExchangeAlgorithm = preferredKeyExchangeAlgorithm;
        PlatformId = platformId;
        ClientRandom = RequireLength(clientRandom, ClientRandomLength, nameof(clientRandom));
        EncryptedPreMasterSecret = encryptedPreMasterSecret;
        ClientUserNameBlob = clientUserName;
        ClientMachineNameBlob = clientMachineName;
        EnsureFitsMessageSize();
    }

    /// <summary>PreferredKeyExchangeAlg (KEY_EXCHANGE_ALG_RSA).</summary>
    public uint PreferredKeyExchangeAlgorithm { get; }

    /// <summary>PlatformId.</summary>
    public uint PlatformId { get; }

    /// <summary>ClientRandom (32 bytes).</summary>
    public ReadOnlyMemory<byte> ClientRandom { get; }

    /// <summary>EncryptedPreMasterSecret: modulus-length RSA ciphertext plus 8 zero bytes.</summary>
    public LicenseBinaryBlob EncryptedPreMasterSecret { get; }

    /// <summary>ClientUserName without its NUL (Latin-1).</summary>
    public string ClientUserName => _clientUserName ??= WireStrings.DecodeAnsiZ(ClientUserNameBlob.Data.Span);

    /// <summary>ClientMachineName without its NUL (Latin-1).</summary>
    public string ClientMachineName => _clientMachineName ??= WireStrings.DecodeAnsiZ(ClientMachineNameBlob.Data.Span);

    public LicenseBinaryBlob ClientUserNameBlob { get; }

    public LicenseBinaryBlob ClientMachineNameBlob { get; }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    private protected override int BodyLength => 4 /* PreferredKeyExchangeAlg */ + 4 /* PlatformId */ + ClientRandomLength
        + EncryptedPreMasterSecret.EncodedLength + ClientUserNameBlob.EncodedLength + ClientMachineNameBlob.EncodedLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadUInt32("PreferredKeyExchangeAlg", out uint algorithm)
            || !reader.TryReadUInt32("PlatformId", out uint platformId)
            || !reader.TryReadBytes("ClientRandom", ClientRandomLength, out ReadOnlyMemory<byte> clientRandom)
            || !reader.TryReadBlob("EncryptedPreMasterSecret", out LicenseBinaryBlob preMaster)
            || !reader.TryReadBlob("ClientUserName", out LicenseBinaryBlob userName)
            || !reader.TryReadBlob("ClientMachineName", out LicenseBinaryBlob machineName)
            || !reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ClientNewLicenseRequest(preamble, securityHeader, algorithm, platformId, clientRandom, preMaster, userName, machineName);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteUInt32(PreferredKeyExchangeAlgorithm);
        writer.WriteUInt32(PlatformId);
        writer.WriteBytes(ClientRandom.Span);
        writer.WriteBlob(EncryptedPreMasterSecret);
        writer.WriteBlob(ClientUserNameBlob);
        writer.WriteBlob(ClientMachineNameBlob);
    }
}
