using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// [MS-RDPELE 3.3] Licensing PDUs with keys: the sans-I/O <see cref="LicensingClient"/> fed a sequence of server PDUs,
/// so that the premaster secret is encrypted to the server's certificate, the session keys derived, and the
/// PLATFORM_CHALLENGE and NEW_LICENSE blobs decrypted and MAC-checked.
/// </summary>
/// <remarks>
/// <para>Input: one configuration byte (bit 0: the store holds CALs for microsoft.com / A02, so the client presents
/// one), then frames of flags (1 byte), length (16 bits, little-endian) and a PDU. With <see cref="SealFlag"/> the
/// PDU's encrypted blob is taken as plaintext and sealed under the session keys of this run (RC4 and a correct MAC),
/// so mutations reach what follows decryption; without it the bytes go in as they are (the MAC almost always fails,
/// which is a path too). The client's randoms are <see cref="FuzzRandomSource"/>'s patterns, so the keys of a run
/// are known.</para>
/// <para>Invariants: <see cref="LicensingClient.Step(ReadOnlySpan{byte}, IBufferWriter{byte})"/> never throws on a
/// PDU; a step allocates at most twice the PDU plus 512 KiB (the decode, RSA with the largest 8192-bit key the client
/// accepts, key derivation, the reply); it writes exactly the bytes it reports, and what it writes is a licensing PDU
/// our own decoder reads back; a failure says why; a completed exchange says how.</para>
/// </remarks>
public sealed class LicensingClientTarget : FuzzTarget
{
    /// <summary>The frame flag: seal the PDU's encrypted blob under this run's keys.</summary>
    public const byte SealFlag = 0x01;

    private const int MaxSteps = 32;
    private const int FixedAllowance = 512 * 1024;

    private static readonly ClientIdentity s_identity = new(new ClientHardwareId(0x04010000, 0x0A0B0C0D, 0x01020304, 0x05060708, 0x090A0B0C), "fuzz-user", "FUZZ-THIN");

    private static readonly LicenseStoreSnapshot s_stored = new(
        s_identity.HardwareId,
        [
            new StoredLicense(new LicenseKey(0x00060000, "microsoft.com", "Microsoft Corporation", "A02"), FuzzRandomSource.Pattern(96), new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            new StoredLicense(new LicenseKey(0x00060002, "microsoft.com", "Microsoft Corporation", "A02"), FuzzRandomSource.Pattern(80), new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        ]);

    public override string Name => "licensing-client";

    public override string Covers => "LicensingClient.Step over server PDU sequences: certificate check, RSA premaster, session keys, RC4 decryption, MAC check, NEW_LICENSE_INFO, replies";

    public override int MaxInputLength => 4 * (LicensingLimits.MaxPduLength + 3);

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources) => TranscriptSeeds.ClientFrames(sources);

    protected override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var client = new LicensingClient(s_identity, (input[0] & 1) != 0 ? s_stored : LicenseStoreSnapshot.Empty, new FuzzRandomSource());
        var output = new ArrayBufferWriter<byte>();
        ReadOnlySpan<byte> rest = input[1..];
        for (int step = 0; step < MaxSteps && rest.Length >= 3 && !client.IsFinished; step++)
        {
            byte flags = rest[0];
            int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(rest[1..]), rest.Length - 3);
            ReadOnlySpan<byte> pdu = rest.Slice(3, length);
            rest = rest[(3 + length)..];
            byte[]? sealedPdu = (flags & SealFlag) != 0 ? Seal(pdu, client.LicenseRequest) : null;
            ReadOnlySpan<byte> offered = sealedPdu ?? pdu;

            output.ResetWrittenCount();
            long mark = AllocationMark();
            LicensingStepResult result = client.Step(offered, output);
            CheckAllocated(mark, (2L * offered.Length) + FixedAllowance, $"LicensingClient.Step (step {step}, {client.StateName})", offered.Length);
            CheckResult(result, output);
        }
    }

    private void CheckResult(LicensingStepResult result, ArrayBufferWriter<byte> output)
    {
        Check(result.BytesWritten == output.WrittenCount, $"the step reports {result.BytesWritten} bytes written, the buffer holds {output.WrittenCount}");
        switch (result.Status)
        {
            case LicensingStatus.Failed:
                Check(result.Failure is not null && !string.IsNullOrEmpty(result.Failure.Message), "a failed step that does not say why");
                break;
            case LicensingStatus.Completed:
                Check(result.Outcome is not null, "a completed step without an outcome");
                break;
        }

        if (output.WrittenCount > 0)
        {
            Check(LicensingPduDecoder.TryDecode(output.WrittenSpan, out LicensingPdu? reply, out DecodeError error), $"the client wrote a PDU its own decoder rejects: {error}");
            Check(reply!.MessageType == result.Sent || result.Sent is null, $"the client says it sent {result.Sent} but wrote {reply.MessageType}");
        }
    }

    /// <summary>The PDU with its encrypted blob sealed under this run's keys, or null when it has none or no keys exist yet.</summary>
    private static byte[]? Seal(ReadOnlySpan<byte> pdu, ServerLicenseRequest? request)
    {
        if (request is null || !LicensingPduDecoder.TryDecode(pdu, out LicensingPdu? decoded, out _))
        {
            return null;
        }

        // The client drew its client random (32 bytes) and premaster secret (48) from FuzzRandomSource's patterns.
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(FuzzRandomSource.Pattern(LicensingSessionKeys.PreMasterSecretLength), FuzzRandomSource.Pattern(LicensingSessionKeys.RandomLength), request.ServerRandom.Span);
        return decoded switch
        {
            ServerPlatformChallenge challenge => new ServerPlatformChallenge(challenge.Preamble, challenge.SecurityHeader, challenge.ConnectFlags, Encrypt(keys, challenge.EncryptedPlatformChallenge, out byte[] mac), mac).ToArray(challenge.SecurityHeader is not null),
            ServerNewLicense license => new ServerNewLicense(license.Preamble, license.SecurityHeader, Encrypt(keys, license.EncryptedLicenseInfo, out byte[] mac), mac).ToArray(license.SecurityHeader is not null),
            _ => null,
        };
    }

    // [MS-RDPELE 5.1.3, 5.1.6]: RC4 under the licensing encryption key, MAC over the cleartext.
    private static LicenseBinaryBlob Encrypt(LicensingSessionKeys keys, LicenseBinaryBlob plaintext, out byte[] mac)
    {
        byte[] ciphertext = new byte[plaintext.Data.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, plaintext.Data.Span, ciphertext);
        mac = new byte[LicensingMac.Length];
        LicensingMac.Compute(keys.MacSaltKey.Span, plaintext.Data.Span, mac);
        return new LicenseBinaryBlob(plaintext.BlobType, ciphertext);
    }
}
