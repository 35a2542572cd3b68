using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

/// <summary>
/// Checks a decoded PDU against every field its vector lists (server random, product info, certificate, scopes,
/// client random, names, blob types, MACs, ...). Fields that describe crypto or give context are listed as such, so a
/// field added to the vectors file later fails <see cref="UncheckedFields"/> until a check is written for it.
/// </summary>
internal static class VectorFieldChecks
{
    /// <summary>Fields checked elsewhere or not about the wire layout.</summary>
    private static readonly HashSet<string> s_informational = new(StringComparer.Ordinal)
    {
        "source", "name", "kind", "hex", "framing", "notes", "length",
        "premaster_secret_per_spec", "premaster_secret",               // crypto: Crypto tests
        "decrypted_platform_challenge_per_spec",                      // crypto (keys unknown)
        "decrypted_platform_challenge_response_data_per_spec",        // PlatformChallengeResponseDataTests
        "decrypted_hwid_per_spec",                                    // ClientHardwareIdTests
        "md5_signed_data", "tssk_decrypted_signature",                // crypto: signature verification
    };

    private static readonly HashSet<string> s_checked = new(StringComparer.Ordinal)
    {
        "msg_type", "preamble_flags", "wMsgSize", "server_random", "product_version", "company", "product_id",
        "cert_dwVersion", "cert_count", "scope", "client_random", "platform_id", "preferred_key_exchange_alg",
        "encrypted_premaster_blob_type", "encrypted_premaster_secret", "client_user_name", "client_machine_name",
        "license_info_blob_type", "license_info", "encrypted_hwid_blob_type", "encrypted_hwid", "mac",
        "connect_flags", "blob_type", "encrypted_platform_challenge", "encrypted_response_blob_type",
        "encrypted_platform_challenge_response", "encrypted_license_info_blob_type", "encrypted_license_info",
        "rsa_modulus_le", "rsa_modulus_pad", "rsa_exponent", "signature",
    };

    public static IEnumerable<string> UncheckedFields(string vector)
        => Vectors.Entry(vector).EnumerateObject().Select(p => p.Name).Where(n => !s_informational.Contains(n) && !s_checked.Contains(n));

    /// <summary>Asserts every listed field; returns how many were checked.</summary>
    public static int Check(string vector, LicensingPdu pdu)
    {
        int count = 0;
        foreach (string field in Vectors.Entry(vector).EnumerateObject().Select(p => p.Name).Where(s_checked.Contains))
        {
            CheckField(vector, field, pdu);
            count++;
        }

        return count;
    }

    private static void CheckField(string v, string field, LicensingPdu pdu)
    {
        switch (field)
        {
            case "msg_type":
                Assert.Equal((LicensingMessageType)Vectors.Number(v, field), pdu.MessageType);
                break;
            case "preamble_flags":
                Assert.Equal((byte)Vectors.Number(v, field), pdu.Preamble.Flags);
                break;
            case "wMsgSize":
                Assert.Equal((ushort)Vectors.Number(v, field), pdu.Preamble.MessageSize);
                break;
            case "server_random":
                Assert.Equal(Vectors.Hex(v, field), Request(pdu).ServerRandom.ToArray());
                break;
            case "product_version":
                Assert.Equal(Vectors.Number(v, field), Request(pdu).ProductInfo.Version);
                break;
            case "company":
                Assert.Equal(Vectors.Text(v, field), Request(pdu).ProductInfo.CompanyName);
                break;
            case "product_id":
                Assert.Equal(Vectors.Text(v, field), Request(pdu).ProductInfo.ProductId);
                break;
            case "cert_dwVersion":
                Assert.Equal(Vectors.Number(v, field), Request(pdu).Certificate!.Version);
                break;
            case "cert_count":
                Assert.Equal((int)Vectors.Number(v, field), Assert.IsType<X509CertificateChain>(Request(pdu).Certificate).Certificates.Count);
                break;
            case "scope":
                Assert.Equal([Vectors.Text(v, field)], Request(pdu).Scopes);
                break;
            case "rsa_modulus_le":
                Assert.Equal([.. Vectors.Hex(v, field), .. Vectors.Hex(v, "rsa_modulus_pad")], Proprietary(pdu).PublicKey.Modulus.ToArray());
                break;
            case "rsa_modulus_pad":
                Assert.EndsWith(Vectors.Text(v, field), Convert.ToHexStringLower(Proprietary(pdu).PublicKey.Modulus.Span), StringComparison.Ordinal);
                break;
            case "rsa_exponent":
                Assert.Equal(Vectors.Number(v, field), Proprietary(pdu).PublicKey.PublicExponent);
                break;
            case "signature":
                // The vector gives the 64 signature bytes; on the wire 8 zero bytes of padding follow.
                Assert.Equal([.. Vectors.Hex(v, field), .. new byte[8]], Proprietary(pdu).Signature.ToArray());
                break;
            case "client_random":
                Assert.Equal(Vectors.Hex(v, field), pdu switch
                {
                    ClientNewLicenseRequest r => r.ClientRandom.ToArray(),
                    ClientLicenseInfo i => i.ClientRandom.ToArray(),
                    _ => throw new InvalidOperationException(field),
                });
                break;
            case "platform_id":
                Assert.Equal(Vectors.Number(v, field), pdu switch
                {
                    ClientNewLicenseRequest r => r.PlatformId,
                    ClientLicenseInfo i => i.PlatformId,
                    _ => throw new InvalidOperationException(field),
                });
                break;
            case "preferred_key_exchange_alg":
                Assert.Equal(Vectors.Number(v, field), Assert.IsType<ClientNewLicenseRequest>(pdu).PreferredKeyExchangeAlgorithm);
                break;
            case "encrypted_premaster_blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), PreMaster(pdu).BlobType);
                break;
            case "encrypted_premaster_secret":
                Assert.Equal(Vectors.Hex(v, field), PreMaster(pdu).Data.ToArray());
                break;
            case "client_user_name":
                Assert.Equal(Vectors.Text(v, field), Assert.IsType<ClientNewLicenseRequest>(pdu).ClientUserName);
                break;
            case "client_machine_name":
                Assert.Equal(Vectors.Text(v, field), Assert.IsType<ClientNewLicenseRequest>(pdu).ClientMachineName);
                break;
            case "license_info_blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), Assert.IsType<ClientLicenseInfo>(pdu).LicenseInfo.BlobType);
                break;
            case "license_info":
                Assert.Equal(Vectors.Hex(v, field), Assert.IsType<ClientLicenseInfo>(pdu).LicenseInfo.Data.ToArray());
                break;
            case "encrypted_hwid_blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), HardwareId(pdu).BlobType);
                break;
            case "encrypted_hwid":
                Assert.Equal(Vectors.Hex(v, field), HardwareId(pdu).Data.ToArray());
                break;
            case "mac":
                Assert.Equal(Vectors.Hex(v, field), pdu switch
                {
                    ClientLicenseInfo i => i.MacData.ToArray(),
                    ClientPlatformChallengeResponse r => r.MacData.ToArray(),
                    ServerPlatformChallenge c => c.MacData.ToArray(),
                    ServerNewLicense n => n.MacData.ToArray(),
                    _ => throw new InvalidOperationException(field),
                });
                break;
            case "connect_flags":
                Assert.Equal(Vectors.Number(v, field), Assert.IsType<ServerPlatformChallenge>(pdu).ConnectFlags);
                break;
            case "blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), Assert.IsType<ServerPlatformChallenge>(pdu).EncryptedPlatformChallenge.BlobType);
                break;
            case "encrypted_platform_challenge":
                Assert.Equal(Vectors.Hex(v, field), Assert.IsType<ServerPlatformChallenge>(pdu).EncryptedPlatformChallenge.Data.ToArray());
                break;
            case "encrypted_response_blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), Assert.IsType<ClientPlatformChallengeResponse>(pdu).EncryptedPlatformChallengeResponse.BlobType);
                break;
            case "encrypted_platform_challenge_response":
                Assert.Equal(Vectors.Hex(v, field), Assert.IsType<ClientPlatformChallengeResponse>(pdu).EncryptedPlatformChallengeResponse.Data.ToArray());
                break;
            case "encrypted_license_info_blob_type":
                Assert.Equal((ushort)Vectors.Number(v, field), Assert.IsType<ServerNewLicense>(pdu).EncryptedLicenseInfo.BlobType);
                break;
            case "encrypted_license_info":
                Assert.Equal(Vectors.Hex(v, field), Assert.IsType<ServerNewLicense>(pdu).EncryptedLicenseInfo.Data.ToArray());
                break;
            default:
                throw new InvalidOperationException($"no check for {field}");
        }
    }

    private static ServerLicenseRequest Request(LicensingPdu pdu) => Assert.IsType<ServerLicenseRequest>(pdu);

    private static ProprietaryServerCertificate Proprietary(LicensingPdu pdu) => Assert.IsType<ProprietaryServerCertificate>(Request(pdu).Certificate);

    private static LicenseBinaryBlob PreMaster(LicensingPdu pdu) => pdu switch
    {
        ClientNewLicenseRequest r => r.EncryptedPreMasterSecret,
        ClientLicenseInfo i => i.EncryptedPreMasterSecret,
        _ => throw new InvalidOperationException("no premaster secret"),
    };

    private static LicenseBinaryBlob HardwareId(LicensingPdu pdu) => pdu switch
    {
        ClientLicenseInfo i => i.EncryptedHardwareId,
        ClientPlatformChallengeResponse r => r.EncryptedHardwareId,
        _ => throw new InvalidOperationException("no HWID"),
    };
}
