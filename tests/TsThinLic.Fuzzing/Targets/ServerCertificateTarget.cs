using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3.1] SERVER_CERTIFICATE, proprietary ([MS-RDPBCGR 2.2.1.4.3.1.1]) or an X.509 chain
/// ([MS-RDPELE 2.2.1.4]): <see cref="ServerCertificate.TryDecode(ReadOnlySpan{byte}, out ServerCertificate?, out DecodeError)"/>,
/// the check a client makes (<see cref="ServerCertificateVerification"/>: TS signing key signature, RSA key, leaf key
/// and chain signatures), and the same input read as one DER certificate by <see cref="X509ChainReader"/>.
/// </summary>
/// <remarks>
/// Invariants: nothing throws; decoding allocates at most twice the input plus 16 KiB, reading it as X.509 32 bytes per input
/// byte plus 16 KiB (BouncyCastle's parser; 18.6 on the spec's certificate); a decoded certificate encodes to
/// the bytes it came from and decodes again to the same; a usable verdict has a key of 512 to 8192 bits (the modulus length, as the client judges it).
/// </remarks>
public sealed class ServerCertificateTarget : FuzzTarget
{
    private const int FixedAllowance = 16 * 1024;

    public override string Name => "server-certificate";

    public override string Covers => "ServerCertificate.TryDecode (proprietary, X.509 chain), ServerCertificateVerification.Verify, X509ChainReader";

    public override int MaxInputLength => LicensingLimits.MaxServerCertificateLength;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (HexVector vector in sources.HexVectors())
        {
            if (vector.Name.Contains("cert", StringComparison.OrdinalIgnoreCase) || vector.Name.Contains("x509", StringComparison.OrdinalIgnoreCase))
            {
                yield return new FuzzSeed(vector.Name, vector.Bytes);
            }

            // The certificate a LICENSE_REQUEST carries.
            byte[] pdu = vector.SecurityHeader is { } header ? [.. header, .. vector.Bytes] : vector.Bytes;
            if (LicensingPduDecoder.TryDecode(pdu, out LicensingPdu? decoded, out _) && decoded is ServerLicenseRequest request && !request.CertificateBlob.IsEmpty)
            {
                yield return new FuzzSeed(vector.Name + "-certificate", request.CertificateBlob.Data.ToArray());
            }
        }

        foreach (Replay.ReplayExchange exchange in sources.Transcripts())
        {
            foreach (Replay.ReplayPdu pdu in exchange.Pdus)
            {
                if (LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out _) && decoded is ServerLicenseRequest request && !request.CertificateBlob.IsEmpty)
                {
                    yield return new FuzzSeed(exchange.Name + "-certificate", request.CertificateBlob.Data.ToArray());
                }
            }
        }

        foreach (FuzzSeed seed in ProbeRecordings.GccServerCertificates(sources))
        {
            yield return seed;
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        bool decoded = ServerCertificate.TryDecode(input, out ServerCertificate? certificate, out DecodeError error);
        CheckAllocated(mark, (2L * input.Length) + FixedAllowance, "ServerCertificate.TryDecode", input.Length);
        if (decoded)
        {
            Check(certificate is not null, "TryDecode returned true without a certificate");
            byte[] encoded = certificate!.ToArray();
            CheckSameBytes(input, encoded, "decode→encode");
            Check(ServerCertificate.TryDecode(encoded, out ServerCertificate? again, out DecodeError againError), $"decode→encode→decode failed: {againError}");
            CheckSameBytes(encoded, again!.ToArray(), "decode→encode→decode→encode");
        }
        else
        {
            CheckDecodeError(error, input.Length);
        }

        ServerCertificateVerification verification = ServerCertificateVerification.Verify(certificate);
        if (verification.IsUsable)
        {
            int bits = verification.PublicKey!.NominalKeyBits;
            Check(bits >= ServerCertificateVerification.MinKeyBits && bits <= ServerCertificateVerification.MaxKeyBits, $"a usable certificate with a {bits}-bit key");
        }

        ReadOnlyMemory<byte>[] single = [input.ToArray()];
        mark = AllocationMark();
        X509ChainReader.TryGetLeafPublicKey(single, out _, out _);
        X509ChainReader.VerifyChainSignatures(single);
        CheckAllocated(mark, (32L * input.Length) + FixedAllowance, "X509ChainReader", input.Length);
    }
}
