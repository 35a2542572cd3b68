using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// Opens a licensing exchange with a licensing certificate's private key ([MS-RDPELE 5.1]): the client's
/// EncryptedPreMasterSecret (raw RSA [5.1.4]), the session keys from it and the two randoms [5.1.3], then every
/// encrypted field with its MAC: the PLATFORM_CHALLENGE, the PLATFORM_CHALLENGE_RESPONSE data and HWID, the HWID of
/// LICENSE_INFO, and the NEW_LICENSE / UPGRADE_LICENSE license info with the CAL inside. The key whose modulus is
/// the LICENSE_REQUEST certificate's (or the GCC one, when the request has none) is tried first; then the other
/// licensing keys, then the server keys (mstsc 6.1 encrypts the premaster secret with the GCC key under Standard RDP
/// Security: the windows-licensing recordings show it). A wrong key is recognised by the decrypted value's high
/// bytes, which must be zero above the 48-byte premaster secret.
/// </summary>
internal static class LicensingDecryptor
{
    /// <summary>Decrypts what the keys open; never throws on the PDUs' bytes.</summary>
    /// <param name="pdus">The exchange's PDUs in order, null where one did not decode.</param>
    /// <param name="gccServerCertificate">The connection's GCC server certificate, when known.</param>
    /// <param name="keys">The licensing (and server) keys.</param>
    public static LicensingDecryption Decrypt(IReadOnlyList<(bool FromClient, LicensingPdu? Pdu)> pdus, ReadOnlyMemory<byte> gccServerCertificate, DecryptionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(pdus);
        ArgumentNullException.ThrowIfNull(keys);
        var result = new LicensingDecryption { Complete = true };
        ServerCertificate? gccCertificate = !gccServerCertificate.IsEmpty && ServerCertificate.TryDecode(gccServerCertificate.Span, out ServerCertificate? decoded, out _) ? decoded : null;
        ReadOnlyMemory<byte> serverRandom = default;
        ServerCertificate? certificate = null;
        LicensingDecryptionKeys? session = null;
        for (int index = 0; index < pdus.Count; index++)
        {
            switch (pdus[index].Pdu)
            {
                case ServerLicenseRequest request:
                    serverRandom = request.ServerRandom;
                    certificate = request.Certificate ?? gccCertificate;
                    session = null;
                    break;
                case ClientNewLicenseRequest request:
                    session = OpenSession(request.ClientRandom, request.EncryptedPreMasterSecret, serverRandom, certificate, keys, result, "NEW_LICENSE_REQUEST");
                    break;
                case ClientLicenseInfo info:
                    session = OpenSession(info.ClientRandom, info.EncryptedPreMasterSecret, serverRandom, certificate, keys, result, "LICENSE_INFO");
                    Describe(result, "the CAL LICENSE_INFO presents", info.LicenseInfo.Data.Span);
                    if (session is not null)
                    {
                        // [MS-RDPELE 2.2.2.3] EncryptedHWID under the licensing key; the MAC covers the HWID in clear.
                        byte[] hardwareId = session.Decrypt(info.EncryptedHardwareId.Data.Span);
                        ReadHardwareId(result, index, hardwareId, session.VerifyMac(hardwareId, info.MacData.Span), "LICENSE_INFO");
                    }

                    break;
                case ServerPlatformChallenge challenge when session is not null:
                    {
                        // [MS-RDPELE 2.2.2.4] EncryptedPlatformChallenge, MAC over the challenge in clear.
                        byte[] plain = session.Decrypt(challenge.EncryptedPlatformChallenge.Data.Span);
                        if (!session.VerifyMac(plain, challenge.MacData.Span))
                        {
                            result.FailedPdus[index] = "decrypted with the licensing key, but its MAC does not verify: it was altered, or the premaster secret is wrong";
                            break;
                        }

                        result.Revealed.Add($"PLATFORM_CHALLENGE: a {plain.Length}-byte challenge ({Convert.ToHexStringLower(plain)}), MAC verified");
                        break;
                    }

                case ClientPlatformChallengeResponse response when session is not null:
                    {
                        // [MS-RDPELE 2.2.2.5] both parts from a fresh RC4 state; one MAC over response data + HWID.
                        byte[] data = session.Decrypt(response.EncryptedPlatformChallengeResponse.Data.Span);
                        byte[] hardwareId = session.Decrypt(response.EncryptedHardwareId.Data.Span);
                        bool macValid = session.VerifyMac([.. data, .. hardwareId], response.MacData.Span);
                        if (macValid && PlatformChallengeResponseData.TryDecode(data, out PlatformChallengeResponseData? responseData, out _))
                        {
                            result.Revealed.Add($"PLATFORM_CHALLENGE_RESPONSE: client type 0x{responseData.ClientType:x4}, detail level {responseData.LicenseDetailLevel}, the {responseData.Challenge.Length}-byte challenge echoed");
                        }

                        ReadHardwareId(result, index, hardwareId, macValid, "PLATFORM_CHALLENGE_RESPONSE");
                        break;
                    }

                case ServerNewLicense license when session is not null:
                    {
                        // [MS-RDPELE 2.2.2.6] EncryptedLicenseInfo: NEW_LICENSE_INFO, MAC over it in clear.
                        byte[] plain = session.Decrypt(license.EncryptedLicenseInfo.Data.Span);
                        string what = LicensingSpecNames.MessageType(license.MessageType);
                        if (!session.VerifyMac(plain, license.MacData.Span))
                        {
                            result.FailedPdus[index] = "decrypted with the licensing key, but its MAC does not verify: it was altered, or the premaster secret is wrong";
                            break;
                        }

                        if (!NewLicenseInfo.TryDecode(plain, out NewLicenseInfo? info, out DecodeError error))
                        {
                            result.FailedPdus[index] = $"its license info decrypts with a verified MAC but does not decode: {error}";
                            break;
                        }

                        result.Revealed.Add($"{what}: license info verified (MAC), version 0x{info.Version:x8}, scope '{info.Scope}', company '{info.CompanyName}', product '{info.ProductId}'");
                        Describe(result, $"the CAL {what} carries", info.LicenseInfo.Span);
                        break;
                    }
            }
        }

        return result;
    }

    private static LicensingDecryptionKeys? OpenSession(ReadOnlyMemory<byte> clientRandom, LicenseBinaryBlob encryptedPreMasterSecret, ReadOnlyMemory<byte> serverRandom, ServerCertificate? certificate, DecryptionKeys keys, LicensingDecryption result, string message)
    {
        if (serverRandom.Length != LicensingSessionKeys.RandomLength || clientRandom.Length != LicensingSessionKeys.RandomLength)
        {
            result.Complete = false;
            result.Notes.Add($"{message}: no LICENSE_REQUEST before it gave the server random; the premaster secret cannot be used");
            return null;
        }

        byte[]? modulus = ServerCertificateVerification.Verify(certificate).PublicKey?.ModulusLittleEndian.ToArray();
        bool Matches(NamedRsaKey key) => modulus is not null && key.Key.PublicKey.ModulusLittleEndian.Span.SequenceEqual(modulus);
        var candidates = keys.LicenseKeys.Where(Matches)
            .Concat(keys.LicenseKeys.Where(k => !Matches(k)))
            .Concat(keys.ServerKeys)
            .DistinctBy(k => k.Key)
            .ToList();
        byte[] preMasterSecret = new byte[LicensingSessionKeys.PreMasterSecretLength];
        foreach (NamedRsaKey candidate in candidates)
        {
            if (!candidate.Key.TryDecryptPreMasterSecret(encryptedPreMasterSecret.Data.Span, preMasterSecret))
            {
                continue;
            }

            string which = Matches(candidate)
                ? $"{candidate.Name} (its modulus is the licensing certificate's)"
                : keys.ServerKeys.Contains(candidate)
                    ? $"the server key {candidate.Name}: the client encrypted it with the GCC server key, not the licensing certificate's"
                    : $"{candidate.Name} (its modulus is not the licensing certificate's: only the zero high bytes say it is the right key)";
            result.Revealed.Add($"{message}: premaster secret decrypted with {which}");
            result.PreMasterSecrets.Add(preMasterSecret);
            return LicensingDecryptionKeys.From(LicensingSessionKeys.Derive(preMasterSecret, clientRandom.Span, serverRandom.Span));
        }

        result.Complete = false;
        result.Notes.Add(candidates.Count == 0
            ? $"{message}: the premaster secret is encrypted with the licensing certificate's key; give it (--license-key) to decrypt the HWID and the CAL"
            : $"{message}: EncryptedPreMasterSecret does not decrypt with {string.Join(", ", candidates.Select(k => k.Name))}");
        return null;
    }

    private static void ReadHardwareId(LicensingDecryption result, int index, byte[] hardwareId, bool macValid, string message)
    {
        if (!macValid)
        {
            result.FailedPdus[index] = "decrypted with the licensing key, but its MAC does not verify: it was altered, or the premaster secret is wrong";
            return;
        }

        if (!ClientHardwareId.TryDecode(hardwareId, out ClientHardwareId decoded, out DecodeError error))
        {
            result.FailedPdus[index] = $"its HWID decrypts with a verified MAC but is malformed: {error}";
            return;
        }

        result.HardwareId ??= decoded;
        result.Revealed.Add($"{message}: HWID {decoded} (PlatformId 0x{decoded.PlatformId:x8}), MAC verified");
    }

    private static void Describe(LicensingDecryption result, string what, ReadOnlySpan<byte> licenseInfo)
    {
        if (licenseInfo.IsEmpty)
        {
            return;
        }

        if (!ClientAccessLicense.TryDecode(licenseInfo, out ClientAccessLicense? cal, out DecodeError error))
        {
            result.Revealed.Add($"{what} ({licenseInfo.Length} bytes) does not decode as a CAL: {error}");
            return;
        }

        CalCertificate leaf = cal.Leaf;
        string validity = leaf.NotBefore is { } from && leaf.NotAfter is { } to
            ? string.Create(CultureInfo.InvariantCulture, $", valid {from:yyyy-MM-dd} to {to:yyyy-MM-dd}")
            : string.Empty;
        string hardwareId = cal.HardwareId is { } bound ? $", bound to HWID {bound}" : string.Empty;
        result.Revealed.Add($"{what}: {cal.LicenseId ?? "no license ID"} ({(cal.IsTemporary ? "temporary" : "permanent")}), issued by {cal.Issuer ?? "?"} (scope {cal.Scope ?? "?"}) to machine {cal.IssuedToMachine ?? "?"}, user {cal.IssuedToUser ?? "?"}{validity}{hardwareId}");
    }
}
