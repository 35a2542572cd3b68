using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Fuzzing;

/// <summary>
/// Seeds taken out of the transcripts in fixtures/transcripts: their server PDUs with the encrypted blobs decrypted
/// (the transcripts carry the client randoms and premaster secrets), and the CALs they carry.
/// </summary>
internal static class TranscriptSeeds
{
    /// <summary>
    /// Each exchange as a <see cref="Targets.LicensingClientTarget"/> input: the server's PDUs in order, encrypted blobs
    /// replaced by their plaintext and marked to be sealed again under the target's own keys.
    /// </summary>
    public static IEnumerable<FuzzSeed> ClientFrames(SeedSources sources)
    {
        foreach (ReplayExchange exchange in sources.Transcripts())
        {
            var frames = new List<byte>();
            frames.Add(exchange.Secrets.StoredLicenses.Count > 0 ? (byte)1 : (byte)0);
            foreach ((byte[] pdu, bool seal) in ServerPlaintexts(exchange))
            {
                frames.Add(seal ? Targets.LicensingClientTarget.SealFlag : (byte)0);
                frames.Add((byte)pdu.Length);
                frames.Add((byte)(pdu.Length >> 8));
                frames.AddRange(pdu);
            }

            yield return new FuzzSeed(exchange.Name, [.. frames]);
        }
    }

    /// <summary>The CALs in the transcripts: presented in LICENSE_INFO, and issued in NEW_LICENSE / UPGRADE_LICENSE.</summary>
    public static IEnumerable<FuzzSeed> Cals(SeedSources sources)
    {
        foreach (ReplayExchange exchange in sources.Transcripts())
        {
            int index = 0;
            foreach (ReplayPdu pdu in exchange.Pdus)
            {
                if (LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out _) && decoded is ClientLicenseInfo info && !info.LicenseInfo.IsEmpty)
                {
                    yield return new FuzzSeed($"{exchange.Name}-presented-{index++}", info.LicenseInfo.Data.ToArray());
                }
            }

            foreach ((byte[] plaintextPdu, bool seal) in ServerPlaintexts(exchange))
            {
                if (seal && LicensingPduDecoder.TryDecode(plaintextPdu, out LicensingPdu? decoded, out _) && decoded is ServerNewLicense license
                    && NewLicenseInfo.TryDecode(license.EncryptedLicenseInfo.Data.Span, out NewLicenseInfo? newLicense, out _))
                {
                    yield return new FuzzSeed($"{exchange.Name}-issued-{index++}", newLicense.LicenseInfo.ToArray());
                }
            }
        }
    }

    /// <summary>The server's PDUs; PLATFORM_CHALLENGE and NEW/UPGRADE_LICENSE with their blob decrypted (seal = true).</summary>
    private static IEnumerable<(byte[] Pdu, bool Seal)> ServerPlaintexts(ReplayExchange exchange)
    {
        LicensingSessionKeys? keys = null;
        int requests = 0;
        foreach (ReplayPdu pdu in exchange.Pdus)
        {
            if (pdu.Direction != CaptureDirection.ServerToClient)
            {
                continue;
            }

            if (!LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out _))
            {
                yield return (pdu.Bytes.ToArray(), false);
                continue;
            }

            switch (decoded)
            {
                case ServerLicenseRequest request:
                    keys = requests < exchange.Secrets.ClientRandoms.Count && requests < exchange.Secrets.PreMasterSecrets.Count
                        ? LicensingSessionKeys.Derive(exchange.Secrets.PreMasterSecrets[requests].Span, exchange.Secrets.ClientRandoms[requests].Span, request.ServerRandom.Span)
                        : null;
                    requests++;
                    yield return (pdu.Bytes.ToArray(), false);
                    break;

                case ServerPlatformChallenge challenge when keys is not null:
                    yield return (new ServerPlatformChallenge(challenge.Preamble, challenge.SecurityHeader, challenge.ConnectFlags, Decrypt(keys, challenge.EncryptedPlatformChallenge), challenge.MacData).ToArray(challenge.SecurityHeader is not null), true);
                    break;

                case ServerNewLicense license when keys is not null:
                    yield return (new ServerNewLicense(license.Preamble, license.SecurityHeader, Decrypt(keys, license.EncryptedLicenseInfo), license.MacData).ToArray(license.SecurityHeader is not null), true);
                    break;

                default:
                    yield return (pdu.Bytes.ToArray(), false);
                    break;
            }
        }
    }

    private static LicenseBinaryBlob Decrypt(LicensingSessionKeys keys, LicenseBinaryBlob blob)
    {
        byte[] plaintext = new byte[blob.Data.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, blob.Data.Span, plaintext);
        return new LicenseBinaryBlob(blob.BlobType, plaintext);
    }
}
