using System.Buffers;
using System.Security.Cryptography;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Licensing;

/// <summary>
/// [MS-RDPELE 3.3] The client side of the licensing exchange as a sans-I/O state machine: it consumes one server
/// licensing PDU at a time, writes its reply into the caller's buffer, and says whether it waits, completed, or failed.
/// It reads no clock, socket, file or store: the caller hands it the stored CALs and a random source, and persists
/// what a completed exchange yields.
/// </summary>
public sealed class LicensingClient
{
    /// <summary>How often a server may ask for the last message again (ST_RESEND_LAST_MESSAGE) before the client gives up.</summary>
    public const int MaxResends = 3;

    /// <summary>How often a server may restart the exchange (ST_RESET_PHASE_TO_START) before the client gives up.</summary>
    public const int MaxRestarts = 3;

    private const int ClientRandomLength = 32;
    private const int PreMasterSecretLength = 48;

    private readonly ClientIdentity _identity;
    private readonly LicenseStoreSnapshot _stored;
    private readonly IRandomSource _random;
    private readonly LicensingClientOptions _options;

    private State _state = State.AwaitingLicenseRequest;
    private Session? _session;
    private byte[]? _lastSent;
    private LicensingMessageType? _lastSentType;
    private int _resends;
    private int _restarts;

    public LicensingClient(ClientIdentity identity, LicenseStoreSnapshot stored, IRandomSource random, LicensingClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(random);
        _identity = identity;
        _stored = stored;
        _random = random;
        _options = options ?? new LicensingClientOptions();
    }

    private enum State
    {
        AwaitingLicenseRequest,
        AwaitingPlatformChallenge,
        AwaitingLicense,
        Completed,
        Failed,
    }

    /// <summary>The state's name, for logs and tests.</summary>
    public string StateName => _state.ToString();

    /// <summary>Whether the exchange has ended (completed or failed).</summary>
    public bool IsFinished => _state is State.Completed or State.Failed;

    /// <summary>The CAL presented in LICENSE_INFO in this exchange, if any.</summary>
    public LicenseKey? PresentedLicense => _session is { Keys: not null } session ? session.Presented?.Key : null;

    /// <summary>The server's LICENSE_REQUEST as last received, if any.</summary>
    public ServerLicenseRequest? LicenseRequest => _session?.Request;

    /// <summary>The verdict on the certificate used for the premaster secret, if one was checked.</summary>
    public ServerCertificateVerification? CertificateVerification => _session?.Certificate;

    /// <summary>Decodes one licensing PDU (with or without its basic security header) and steps.</summary>
    public LicensingStepResult Step(ReadOnlySpan<byte> pdu, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsFinished)
        {
            return Finished();
        }

        if (!LicensingPduDecoder.TryDecode(pdu, out LicensingPdu? decoded, out DecodeError error))
        {
            return Fail(new LicensingFailure(LicensingFailureReason.MalformedPdu, $"the server's licensing PDU is malformed: {error}", decodeError: error));
        }

        return Step(decoded, output);
    }

    /// <summary>Steps on an already decoded server PDU.</summary>
    public LicensingStepResult Step(LicensingPdu pdu, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(output);
        if (IsFinished)
        {
            return Finished();
        }

        return (pdu, _state) switch
        {
            (LicenseErrorAlert alert, _) => OnErrorAlert(alert, output),
            (ServerLicenseRequest request, State.AwaitingLicenseRequest) => OnLicenseRequest(request, output),
            (ServerPlatformChallenge challenge, State.AwaitingPlatformChallenge) => OnPlatformChallenge(challenge, output),
            (ServerNewLicense license, State.AwaitingLicense) => OnNewLicense(license, output),
            // [MS-RDPELE 3.3.5.8]: an unexpected message ends the exchange; no alert is owed.
            _ => Fail(new LicensingFailure(
                LicensingFailureReason.UnexpectedPdu,
                $"{LicensingSpecNames.MessageType(pdu.MessageType)} is not valid while {Describe(_state)}")),
        };
    }

    // [MS-RDPELE 3.3.5.1]: answer the offer with LICENSE_INFO when a stored CAL matches it, else NEW_LICENSE_REQUEST.
    private LicensingStepResult OnLicenseRequest(ServerLicenseRequest request, IBufferWriter<byte> output)
    {
        // The request may carry no certificate: then the one from the connection's GCC Server Security Data is used.
        ServerCertificate? certificate = request.Certificate ?? _options.GccServerCertificate;
        ServerCertificateVerification verification = ServerCertificateVerification.Verify(certificate);
        StoredLicense? presented = FindLicense(request);
        _session = new Session(request, verification, presented);
        if (!verification.IsUsable)
        {
            return FailWithAlert(
                new LicensingFailure(
                    LicensingFailureReason.InvalidServerCertificate,
                    $"the server certificate is not usable: {verification.Detail}",
                    alertSent: LicensingErrorCode.InvalidServerCertificate),
                LicensingErrorCode.InvalidServerCertificate,
                output);
        }

        // [MS-RDPELE 5.1.1]: a fresh client random and premaster secret for every LICENSE_REQUEST.
        byte[] clientRandom = new byte[ClientRandomLength];
        byte[] preMasterSecret = new byte[PreMasterSecretLength];
        _random.GetBytes(clientRandom);
        _random.GetBytes(preMasterSecret);
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(preMasterSecret, clientRandom, request.ServerRandom.Span);
        byte[] encryptedPreMasterSecret = new byte[verification.PublicKey!.ModulusLength + RsaPublicKey.WirePaddingLength];
        bool encrypted = verification.PublicKey.TryEncryptPreMasterSecret(preMasterSecret, encryptedPreMasterSecret, out _);
        CryptographicOperations.ZeroMemory(preMasterSecret);
        if (!encrypted)
        {
            // Only a key whose modulus is below the premaster secret gets here; the key checks keep it out.
            return FailWithAlert(
                new LicensingFailure(LicensingFailureReason.InvalidServerCertificate, "the server's RSA key cannot encrypt the premaster secret", alertSent: LicensingErrorCode.InvalidServerCertificate),
                LicensingErrorCode.InvalidServerCertificate,
                output);
        }

        _session.Keys = keys;
        var encryptedPreMaster = new LicenseBinaryBlob((ushort)BinaryBlobType.Random, encryptedPreMasterSecret);
        LicensingPdu reply;
        if (presented is not null)
        {
            // [MS-RDPELE 2.2.2.3]: the HWID goes encrypted with the licensing key, MACed in the clear.
            byte[] hardwareId = _identity.HardwareId.ToArray();
            byte[] encryptedHardwareId = new byte[hardwareId.Length];
            Rc4.Transform(keys.LicensingEncryptionKey.Span, hardwareId, encryptedHardwareId);
            byte[] mac = new byte[LicensingMac.Length];
            LicensingMac.Compute(keys.MacSaltKey.Span, hardwareId, mac);
            reply = new ClientLicenseInfo(
                ClientPreamble(LicensingMessageType.LicenseInfo),
                OutputSecurityHeader(request),
                KeyExchangeAlgorithmRsa,
                _identity.PlatformId,
                clientRandom,
                encryptedPreMaster,
                new LicenseBinaryBlob((ushort)BinaryBlobType.Data, presented.LicenseInfo),
                new LicenseBinaryBlob((ushort)BinaryBlobType.EncryptedData, encryptedHardwareId),
                mac);
        }
        else
        {
            reply = new ClientNewLicenseRequest(
                ClientPreamble(LicensingMessageType.NewLicenseRequest),
                OutputSecurityHeader(request),
                KeyExchangeAlgorithmRsa,
                _identity.PlatformId,
                clientRandom,
                encryptedPreMaster,
                _identity.UserName,
                _identity.MachineName);
        }

        _state = State.AwaitingPlatformChallenge;
        return Send(reply, output);
    }

    // [MS-RDPELE 3.3.5.4, 3.3.5.5]: decrypt the challenge, check its MAC, answer with the response data and the HWID.
    private LicensingStepResult OnPlatformChallenge(ServerPlatformChallenge challenge, IBufferWriter<byte> output)
    {
        LicensingSessionKeys keys = _session!.Keys!;
        if (!TryDecryptVerified(keys, challenge.EncryptedPlatformChallenge, challenge.MacData, out byte[] platformChallenge))
        {
            return FailOnMac(challenge, output);
        }

        // [MS-RDPELE 2.2.2.5.1]: wVersion 0x0100, full detail level, the decrypted challenge echoed back.
        var responseData = new PlatformChallengeResponseData(
            PlatformChallengeResponseData.CurrentVersion,
            _options.ClientType,
            PlatformChallengeResponseData.LicenseDetailDetail,
            platformChallenge);
        byte[] responseBytes = responseData.ToArray();
        byte[] hardwareId = _identity.HardwareId.ToArray();

        // Each part is encrypted from a fresh RC4 state (the spec 4.5 example shows both start on the same keystream);
        // one MAC covers both plaintexts, response data first.
        byte[] encryptedResponse = new byte[responseBytes.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, responseBytes, encryptedResponse);
        byte[] encryptedHardwareId = new byte[hardwareId.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, hardwareId, encryptedHardwareId);
        byte[] macInput = new byte[responseBytes.Length + hardwareId.Length];
        responseBytes.CopyTo(macInput, 0);
        hardwareId.CopyTo(macInput, responseBytes.Length);
        byte[] mac = new byte[LicensingMac.Length];
        LicensingMac.Compute(keys.MacSaltKey.Span, macInput, mac);

        var reply = new ClientPlatformChallengeResponse(
            ClientPreamble(LicensingMessageType.PlatformChallengeResponse),
            OutputSecurityHeader(_session.Request),
            new LicenseBinaryBlob((ushort)BinaryBlobType.EncryptedData, encryptedResponse),
            new LicenseBinaryBlob((ushort)BinaryBlobType.EncryptedData, encryptedHardwareId),
            mac);
        _state = State.AwaitingLicense;
        return Send(reply, output);
    }

    // [MS-RDPELE 3.3.5.6, 3.3.5.7]: decrypt the license, check its MAC, hand it to the caller to persist.
    private LicensingStepResult OnNewLicense(ServerNewLicense license, IBufferWriter<byte> output)
    {
        if (!TryDecryptVerified(_session!.Keys!, license.EncryptedLicenseInfo, license.MacData, out byte[] plaintext))
        {
            return FailOnMac(license, output);
        }

        if (!NewLicenseInfo.TryDecode(plaintext, out NewLicenseInfo? info, out DecodeError error))
        {
            return Fail(new LicensingFailure(LicensingFailureReason.MalformedLicense, $"the decrypted NEW_LICENSE_INFO is malformed: {error}", decodeError: error));
        }

        if (info.LicenseInfo.IsEmpty)
        {
            // A license of no bytes cannot be presented later; taking it would only replace a good CAL with nothing.
            return Fail(new LicensingFailure(LicensingFailureReason.MalformedLicense, "the decrypted NEW_LICENSE_INFO carries no license (cbLicenseInfo is 0)"));
        }

        bool upgrade = license.MessageType == LicensingMessageType.UpgradeLicense;
        LicenseKey newKey = new(info.Version, info.Scope, info.CompanyName, info.ProductId);
        LicenseKey? supersedes = upgrade && _session.Presented is { } presented && presented.Key != newKey ? presented.Key : null;
        _state = State.Completed;
        return new LicensingStepResult(
            LicensingStatus.Completed,
            bytesWritten: 0,
            sent: null,
            outcome: upgrade ? LicensingOutcome.LicenseUpgraded : LicensingOutcome.LicenseIssued,
            license: info,
            supersedes: supersedes);
    }

    // [MS-RDPELE 3.1.5.1-3.1.5.3], [MS-RDPBCGR 2.2.1.12.1.3]: what the client does with each state transition.
    private LicensingStepResult OnErrorAlert(LicenseErrorAlert alert, IBufferWriter<byte> output)
    {
        if (alert.ErrorCode == LicensingErrorCode.ValidClient && alert.StateTransition == LicensingStateTransition.NoTransition)
        {
            _state = State.Completed;
            return new LicensingStepResult(LicensingStatus.Completed, 0, null, LicensingOutcome.ValidClient);
        }

        string said = $"{LicensingSpecNames.ErrorCode(alert.ErrorCode)} with {LicensingSpecNames.StateTransition(alert.StateTransition)}";
        switch (alert.StateTransition)
        {
            case LicensingStateTransition.ResetPhaseToStart:
                if (++_restarts > MaxRestarts)
                {
                    return Fail(ServerFailure(LicensingFailureReason.TooManyRetries, $"the server restarted the exchange more than {MaxRestarts} times (last: {said})", alert));
                }

                // Forget the keys and the last message: the server starts over with a new LICENSE_REQUEST.
                _session = null;
                _lastSent = null;
                _lastSentType = null;
                _state = State.AwaitingLicenseRequest;
                return new LicensingStepResult(LicensingStatus.AwaitingPdu, 0, null);

            case LicensingStateTransition.ResendLastMessage:
                if (_lastSent is null)
                {
                    return Fail(ServerFailure(LicensingFailureReason.UnexpectedPdu, $"the server asked to resend ({said}) before the client sent anything", alert));
                }

                if (++_resends > MaxResends)
                {
                    return Fail(ServerFailure(LicensingFailureReason.TooManyRetries, $"the server asked for the last message more than {MaxResends} times (last: {said})", alert));
                }

                output.Write(_lastSent);
                return new LicensingStepResult(LicensingStatus.AwaitingPdu, _lastSent.Length, _lastSentType);

            case LicensingStateTransition.NoTransition:
                // [MS-RDPELE 3.1.5.2] defines ST_NO_TRANSITION only with STATUS_VALID_CLIENT; with any other code the
                // spec is silent. The literal reading is kept: no state change, the client goes on waiting (FreeRDP
                // instead calls it success, which would connect a client the server just refused). The driver's
                // timeout bounds the wait.
                return new LicensingStepResult(LicensingStatus.AwaitingPdu, 0, null);

            default:
                // ST_TOTAL_ABORT, and any transition the spec does not define, end the exchange.
                return Fail(ServerFailure(LicensingFailureReason.ServerAborted, $"the server ended licensing: {said}", alert));
        }
    }

    // [MS-RDPELE 5.1.3, 5.1.6]: server data is RC4 under the licensing key, from a fresh state, and MACed in the clear.
    private static bool TryDecryptVerified(LicensingSessionKeys keys, LicenseBinaryBlob encrypted, ReadOnlyMemory<byte> mac, out byte[] plaintext)
    {
        plaintext = new byte[encrypted.Data.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, encrypted.Data.Span, plaintext);
        return LicensingMac.Verify(keys.MacSaltKey.Span, plaintext, mac.Span);
    }

    // [MS-RDPELE 3.3.5.9]: on a MAC that does not verify the client may say ERR_INVALID_MAC with ST_TOTAL_ABORT, then
    // must disconnect.
    private LicensingStepResult FailOnMac(LicensingPdu pdu, IBufferWriter<byte> output)
        => FailWithAlert(
            new LicensingFailure(LicensingFailureReason.InvalidMac, $"the {LicensingSpecNames.MessageType(pdu.MessageType)} MAC does not verify", alertSent: LicensingErrorCode.InvalidMac),
            LicensingErrorCode.InvalidMac,
            output);

    private static LicensingFailure ServerFailure(LicensingFailureReason reason, string message, LicenseErrorAlert alert)
        => new(reason, message, serverErrorCode: alert.ErrorCode, serverStateTransition: alert.StateTransition);

    // Of the licenses that answer the offer, the exact version if there is one, else the lowest later one: the
    // server then upgrades the license that is closest to what it offers.
    private StoredLicense? FindLicense(ServerLicenseRequest request)
    {
        StoredLicense? best = null;
        foreach (StoredLicense license in _stored.Licenses)
        {
            if (LicenseOffer.Matches(license.Key, request.ProductInfo.Version, request.ProductInfo.CompanyName, request.ProductInfo.ProductId, request.Scopes)
                && (best is null || license.Key.Version < best.Key.Version))
            {
                best = license;
            }
        }

        return best;
    }

    // PREAMBLE_VERSION_3_0 | EXTENDED_ERROR_MSG_SUPPORTED (0x83) whatever version the server speaks, as mstsc writes it
    // in every recorded NEW_LICENSE_REQUEST (builds 6001 to 18362, also to servers whose LICENSE_REQUEST is version 2;
    // ../shared/windows-licensing/mstsc-client.json) and FreeRDP too; unless the caller fixed the flags.
    private LicensePreamble ClientPreamble(LicensingMessageType type)
        => new(type, _options.PreambleFlags ?? LicensePreamble.DefaultClientFlags, 0);

    // Replies carry a basic security header when the server's PDUs did ([MS-RDPBCGR 2.2.8.1.1.2.1]); the caller may force it.
    private SecurityHeader? OutputSecurityHeader(LicensingPdu? received) => _options.SecurityHeader switch
    {
        SecurityHeaderPolicy.Always => new SecurityHeader(SecurityHeader.SecLicensePkt, 0),
        SecurityHeaderPolicy.Never => null,
        _ => received?.SecurityHeader is null ? null : new SecurityHeader(SecurityHeader.SecLicensePkt, 0),
    };

    private const uint KeyExchangeAlgorithmRsa = 1;

    private LicensingStepResult Send(LicensingPdu reply, IBufferWriter<byte> output)
    {
        byte[] bytes = reply.ToArray(withSecurityHeader: reply.SecurityHeader is not null);
        _lastSent = bytes;
        _lastSentType = reply.MessageType;
        output.Write(bytes);
        return new LicensingStepResult(LicensingStatus.AwaitingPdu, bytes.Length, reply.MessageType);
    }

    private LicensingStepResult FailWithAlert(LicensingFailure failure, LicensingErrorCode code, IBufferWriter<byte> output)
    {
        // [MS-RDPELE 3.3.5]: the client tells the server why it stops, with ST_TOTAL_ABORT and an empty error blob.
        var alert = new LicenseErrorAlert(
            ClientPreamble(LicensingMessageType.ErrorAlert),
            OutputSecurityHeader(_session?.Request),
            code,
            LicensingStateTransition.TotalAbort,
            new LicenseBinaryBlob((ushort)BinaryBlobType.Error, ReadOnlyMemory<byte>.Empty));
        byte[] bytes = alert.ToArray(withSecurityHeader: alert.SecurityHeader is not null);
        output.Write(bytes);
        _state = State.Failed;
        return new LicensingStepResult(LicensingStatus.Failed, bytes.Length, LicensingMessageType.ErrorAlert, failure: failure);
    }

    private LicensingStepResult Fail(LicensingFailure failure)
    {
        _state = State.Failed;
        return new LicensingStepResult(LicensingStatus.Failed, 0, null, failure: failure);
    }

    private LicensingStepResult Finished()
        => new(LicensingStatus.Failed, 0, null, failure: new LicensingFailure(LicensingFailureReason.ExchangeOver, "the licensing exchange is already over"));

    private static string Describe(State state) => state switch
    {
        State.AwaitingLicenseRequest => "waiting for LICENSE_REQUEST",
        State.AwaitingPlatformChallenge => "waiting for PLATFORM_CHALLENGE",
        State.AwaitingLicense => "waiting for NEW_LICENSE or UPGRADE_LICENSE",
        _ => state.ToString(),
    };

    /// <summary>What the client knows of the exchange since the last LICENSE_REQUEST; replaced whole on a restart.</summary>
    private sealed class Session(ServerLicenseRequest request, ServerCertificateVerification certificate, StoredLicense? presented)
    {
        public ServerLicenseRequest Request { get; } = request;

        public ServerCertificateVerification Certificate { get; } = certificate;

        /// <summary>The CAL this exchange presents in LICENSE_INFO, or null for NEW_LICENSE_REQUEST.</summary>
        public StoredLicense? Presented { get; } = presented;

        /// <summary>Set once the premaster secret is encrypted; every later PDU needs it.</summary>
        public LicensingSessionKeys? Keys { get; set; }
    }
}
