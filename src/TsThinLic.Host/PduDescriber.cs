using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Host;

/// <summary>
/// Writes every field of a decoded licensing PDU for people and scripts (<c>tsthinlic decode</c>, replay reports).
/// With the session's licensing key and MAC salt it also decrypts the encrypted parts and says whether each MAC
/// verifies. Names are lowerCamelCase after the spec's fields; bytes are lowercase hex; constants by their spec names.
/// </summary>
public static class PduDescriber
{
    /// <summary>Describes <paramref name="pdu"/>; <paramref name="keys"/> may be null (then nothing is decrypted).</summary>
    public static void Describe(LicensingPdu pdu, LicensingDecryptionKeys? keys, IFieldWriter writer)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(writer);

        writer.WriteString("messageType", LicensingSpecNames.MessageType(pdu.MessageType));
        writer.WriteNumber("preambleVersion", pdu.Preamble.Version);
        writer.WriteString("preambleFlags", $"0x{pdu.Preamble.Flags:x2}");
        writer.WriteBoolean("extendedErrorMessageSupported", pdu.Preamble.ExtendedErrorMessageSupported);
        writer.WriteNumber("msgSize", pdu.Preamble.MessageSize);
        if (pdu.SecurityHeader is { } header)
        {
            writer.StartObject("securityHeader");
            writer.WriteString("flags", $"0x{header.Flags:x4}");
            writer.WriteString("flagsHi", $"0x{header.FlagsHi:x4}");
            writer.EndObject();
        }

        switch (pdu)
        {
            case ServerLicenseRequest request:
                DescribeLicenseRequest(request, writer);
                break;
            case ServerPlatformChallenge challenge:
                DescribePlatformChallenge(challenge, keys, writer);
                break;
            case ServerNewLicense license:
                DescribeNewLicense(license, keys, writer);
                break;
            case ClientNewLicenseRequest request:
                DescribeClientKeyExchange(request.PreferredKeyExchangeAlgorithm, request.PlatformId, request.ClientRandom, request.EncryptedPreMasterSecret, writer);
                writer.WriteString("clientUserName", request.ClientUserName);
                writer.WriteString("clientMachineName", request.ClientMachineName);
                Blob(writer, "clientUserNameBlob", request.ClientUserNameBlob, withData: false);
                Blob(writer, "clientMachineNameBlob", request.ClientMachineNameBlob, withData: false);
                break;
            case ClientLicenseInfo info:
                DescribeLicenseInfo(info, keys, writer);
                break;
            case ClientPlatformChallengeResponse response:
                DescribePlatformChallengeResponse(response, keys, writer);
                break;
            case LicenseErrorAlert alert:
                writer.WriteString("errorCode", LicensingSpecNames.ErrorCode(alert.ErrorCode));
                writer.WriteString("stateTransition", LicensingSpecNames.StateTransition(alert.StateTransition));
                writer.WriteBoolean("validClient", alert.IsValidClient);
                Blob(writer, "errorInfo", alert.ErrorInfo, withData: true);
                break;
        }
    }

    /// <summary>Writes what a server certificate is and whether it verifies, as the client would judge it.</summary>
    public static void DescribeCertificate(ServerCertificate? certificate, IFieldWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.StartObject("certificate");
        if (certificate is null)
        {
            writer.WriteString("type", "none");
            writer.EndObject();
            return;
        }

        ServerCertificateVerification verification = ServerCertificateVerification.Verify(certificate);
        writer.WriteString("type", certificate.Type == ServerCertificateType.Proprietary ? "proprietary" : "x509");
        writer.WriteString("dwVersion", $"0x{certificate.Version:x8}");
        writer.WriteBoolean("issuedPermanently", certificate.IssuedPermanently);
        if (verification.PublicKey is { } key)
        {
            writer.WriteNumber("publicKeyBits", key.NominalKeyBits);
            writer.WriteNumber("modulusSignificantBits", key.KeyBits);
            writer.WriteNumber("publicExponent", (long)key.PublicExponent);
        }

        switch (certificate)
        {
            case ProprietaryServerCertificate proprietary:
                writer.WriteBoolean("signatureValid", verification.Check != CertificateCheck.SignatureInvalid && verification.Check != CertificateCheck.Malformed);
                writer.WriteNumber("sigAlgId", proprietary.SignatureAlgorithmId);
                writer.WriteNumber("keyAlgId", proprietary.KeyAlgorithmId);
                writer.WriteHex("modulus", proprietary.PublicKey.Modulus.Span);
                writer.WriteHex("signature", proprietary.Signature.Span);
                break;
            case X509CertificateChain chain:
                // The chain is the license server's own; it chains to no trusted root, so "valid" means each
                // certificate is signed by the one before it.
                writer.WriteBoolean("signatureValid", verification.ChainSignaturesValid == true);
                writer.WriteNumber("certificateCount", chain.Certificates.Count);
                writer.StartArray("certificates");
                foreach (ReadOnlyMemory<byte> der in chain.Certificates)
                {
                    writer.StartObjectElement();
                    writer.WriteNumber("length", der.Length);
                    writer.EndObject();
                }

                writer.EndArray();
                break;
        }

        writer.WriteString("verdict", verification.IsUsable ? "usable" : $"not usable: {verification.Detail}");
        writer.EndObject();
    }

    private static void DescribeLicenseRequest(ServerLicenseRequest request, IFieldWriter writer)
    {
        writer.WriteHex("serverRandom", request.ServerRandom.Span);
        writer.StartObject("productInfo");
        writer.WriteNumber("version", request.ProductInfo.Version);
        writer.WriteString("companyName", request.ProductInfo.CompanyName);
        writer.WriteString("productId", request.ProductInfo.ProductId);
        writer.EndObject();
        writer.StartArray("keyExchangeAlgorithms");
        foreach (uint algorithm in request.KeyExchangeAlgorithms)
        {
            writer.WriteNumberElement(algorithm);
        }

        writer.EndArray();
        DescribeCertificate(request.Certificate, writer);
        writer.StartArray("scopes");
        foreach (string scope in request.Scopes)
        {
            writer.WriteStringElement(scope);
        }

        writer.EndArray();
    }

    private static void DescribePlatformChallenge(ServerPlatformChallenge challenge, LicensingDecryptionKeys? keys, IFieldWriter writer)
    {
        writer.WriteString("connectFlags", $"0x{challenge.ConnectFlags:x8}");
        Blob(writer, "encryptedPlatformChallenge", challenge.EncryptedPlatformChallenge, withData: true);
        writer.WriteHex("macData", challenge.MacData.Span);
        if (keys is not null)
        {
            byte[] plain = keys.Decrypt(challenge.EncryptedPlatformChallenge.Data.Span);
            writer.WriteHex("challenge", plain);
            writer.WriteBoolean("macValid", keys.VerifyMac(plain, challenge.MacData.Span));
        }
    }

    private static void DescribeNewLicense(ServerNewLicense license, LicensingDecryptionKeys? keys, IFieldWriter writer)
    {
        Blob(writer, "encryptedLicenseInfo", license.EncryptedLicenseInfo, withData: false);
        writer.WriteHex("macData", license.MacData.Span);
        if (keys is null)
        {
            return;
        }

        byte[] plain = keys.Decrypt(license.EncryptedLicenseInfo.Data.Span);
        writer.WriteBoolean("macValid", keys.VerifyMac(plain, license.MacData.Span));
        if (NewLicenseInfo.TryDecode(plain, out NewLicenseInfo? info, out DecodeError error))
        {
            writer.StartObject("licenseInfo");
            writer.WriteNumber("version", info.Version);
            writer.WriteString("scope", info.Scope);
            writer.WriteString("companyName", info.CompanyName);
            writer.WriteString("productId", info.ProductId);
            writer.WriteNumber("licenseLength", info.LicenseInfo.Length);
            writer.EndObject();
            CalDescriber.Describe("cal", info.LicenseInfo.Span, null, null, writer);
        }
        else
        {
            writer.WriteString("licenseInfoError", error.ToString());
        }
    }

    private static void DescribeClientKeyExchange(uint algorithm, uint platformId, ReadOnlyMemory<byte> clientRandom, LicenseBinaryBlob encryptedPreMasterSecret, IFieldWriter writer)
    {
        writer.WriteNumber("preferredKeyExchangeAlg", algorithm);
        writer.WriteString("platformId", $"0x{platformId:x8}");
        writer.WriteHex("clientRandom", clientRandom.Span);
        Blob(writer, "encryptedPreMasterSecret", encryptedPreMasterSecret, withData: true);
    }

    private static void DescribeLicenseInfo(ClientLicenseInfo info, LicensingDecryptionKeys? keys, IFieldWriter writer)
    {
        DescribeClientKeyExchange(info.PreferredKeyExchangeAlgorithm, info.PlatformId, info.ClientRandom, info.EncryptedPreMasterSecret, writer);
        Blob(writer, "licenseInfo", info.LicenseInfo, withData: false);
        Blob(writer, "encryptedHwid", info.EncryptedHardwareId, withData: true);
        writer.WriteHex("macData", info.MacData.Span);
        ClientHardwareId? device = null;
        if (keys is not null)
        {
            byte[] hardwareId = keys.Decrypt(info.EncryptedHardwareId.Data.Span);
            writer.WriteHex("hwid", hardwareId);
            writer.WriteBoolean("macValid", keys.VerifyMac(hardwareId, info.MacData.Span));
            if (ClientHardwareId.TryDecode(hardwareId, out ClientHardwareId decoded, out _))
            {
                device = decoded;
            }
        }

        // The presented CAL is in the clear; with the keys, whether it belongs to the HWID sent beside it.
        CalDescriber.Describe("cal", info.LicenseInfo.Data.Span, device, null, writer);
    }

    private static void DescribePlatformChallengeResponse(ClientPlatformChallengeResponse response, LicensingDecryptionKeys? keys, IFieldWriter writer)
    {
        Blob(writer, "encryptedPlatformChallengeResponse", response.EncryptedPlatformChallengeResponse, withData: true);
        Blob(writer, "encryptedHwid", response.EncryptedHardwareId, withData: true);
        writer.WriteHex("macData", response.MacData.Span);
        if (keys is null)
        {
            return;
        }

        byte[] data = keys.Decrypt(response.EncryptedPlatformChallengeResponse.Data.Span);
        byte[] hardwareId = keys.Decrypt(response.EncryptedHardwareId.Data.Span);
        writer.WriteHex("hwid", hardwareId);
        writer.WriteBoolean("macValid", keys.VerifyMac([.. data, .. hardwareId], response.MacData.Span));
        if (PlatformChallengeResponseData.TryDecode(data, out PlatformChallengeResponseData? responseData, out DecodeError error))
        {
            writer.StartObject("responseData");
            writer.WriteString("version", $"0x{responseData.Version:x4}");
            writer.WriteString("clientType", ClientTypeName(responseData.ClientType));
            writer.WriteString("detailLevel", DetailLevelName(responseData.LicenseDetailLevel));
            writer.WriteHex("challenge", responseData.Challenge.Span);
            writer.EndObject();
        }
        else
        {
            writer.WriteString("responseDataError", error.ToString());
        }
    }

    private static void Blob(IFieldWriter writer, string name, LicenseBinaryBlob blob, bool withData)
    {
        writer.StartObject(name);
        writer.WriteString("blobType", LicensingSpecNames.BlobType(blob.BlobType));
        writer.WriteNumber("blobLen", blob.Data.Length);
        if (withData)
        {
            writer.WriteHex("blobData", blob.Data.Span);
        }

        writer.EndObject();
    }

    private static string ClientTypeName(ushort clientType) => clientType switch
    {
        PlatformChallengeResponseData.ClientTypeWin32 => "WIN32_PLATFORMCHALLENGE_TYPE",
        PlatformChallengeResponseData.ClientTypeWin16 => "WIN16_PLATFORMCHALLENGE_TYPE",
        PlatformChallengeResponseData.ClientTypeWinCe => "WINCE_PLATFORMCHALLENGE_TYPE",
        PlatformChallengeResponseData.ClientTypeOther => "OTHER_PLATFORM_CHALLENGE_TYPE",
        _ => $"0x{clientType:x4}",
    };

    private static string DetailLevelName(ushort level) => level switch
    {
        PlatformChallengeResponseData.LicenseDetailSimple => "LICENSE_DETAIL_SIMPLE",
        PlatformChallengeResponseData.LicenseDetailModerate => "LICENSE_DETAIL_MODERATE",
        PlatformChallengeResponseData.LicenseDetailDetail => "LICENSE_DETAIL_DETAIL",
        _ => $"0x{level:x4}",
    };
}
