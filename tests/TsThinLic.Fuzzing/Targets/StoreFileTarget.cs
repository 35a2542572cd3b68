using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// The store file (an envelope: magic, format version, sequence, length, CRC-32, payload, commit marker) and the
/// payload inside it: <see cref="FileLicenseStore.TryReadImage"/>, the format detection of <c>import</c>
/// (<see cref="LicenseStoreImage.TryRead"/>), and the same input read as a bare payload, so that mutations reach the
/// payload decoder without first having to match a CRC.
/// </summary>
/// <remarks>
/// Invariants: nothing throws; reading allocates at most 16 bytes per input byte plus 16 KiB (the payload copied
/// once out of the envelope, then its CALs and key strings; the fixture takes 8.6); a payload re-encodes to the bytes it came from and an envelope rebuilds
/// byte for byte (its reserved word, outside the CRC and ignored on read, aside).
/// </remarks>
public sealed class StoreFileTarget : FuzzTarget
{
    private const int FixedAllowance = 16 * 1024;

    private static readonly FlashGeometry s_geometry = new(1, 4096);

    public override string Name => "store-file";

    public override string Covers => "FileLicenseStore.TryReadImage, StoreEnvelope.TryRead/Build, StorePayload.TryDecode/Encode, LicenseStoreImage.TryRead";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (string path in sources.Fixtures("stores", "*.store"))
        {
            FuzzSeed file = SeedSources.FromFile(path);
            yield return file;
            if (StoreEnvelope.TryRead(file.Bytes, 1, out _, out byte[] payload, out _) == EnvelopeState.Valid)
            {
                yield return new FuzzSeed(file.Name + ".payload", payload);
            }
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        bool read = FileLicenseStore.TryReadImage(input, out LicenseStoreContents contents, out string reason);
        CheckAllocated(mark, (16L * input.Length) + FixedAllowance, "FileLicenseStore.TryReadImage", input.Length);
        Check(read || !string.IsNullOrEmpty(reason), "an unreadable store file without a reason");
        Check(read || contents.IsEmpty, "an unreadable store file with contents");

        if (StoreEnvelope.TryRead(input, 1, out uint sequence, out byte[] payload, out _) == EnvelopeState.Valid
            && input.Length == StoreEnvelope.TotalLength(payload.Length, 1))
        {
            // The reserved word (outside the CRC, ignored on read, written as zero) is the one part that may differ.
            byte[] expected = input.ToArray();
            expected.AsSpan(StoreEnvelope.ReservedOffset, 4).Clear();
            CheckSameBytes(expected, StoreEnvelope.Build(sequence, payload), "envelope read→build");
        }

        mark = AllocationMark();
        bool decoded = StorePayload.TryDecode(input, out StoreContent content, out string payloadReason);
        CheckAllocated(mark, (16L * input.Length) + FixedAllowance, "StorePayload.TryDecode", input.Length);
        if (decoded)
        {
            byte[] encoded = StorePayload.Encode(content);
            CheckSameBytes(input, encoded, "payload decode→encode");
            Check(StorePayload.TryDecode(encoded, out StoreContent again, out string againReason), $"payload decode→encode→decode failed: {againReason}");
            CheckSameBytes(encoded, StorePayload.Encode(again), "payload decode→encode→decode→encode");
        }
        else
        {
            Check(!string.IsNullOrEmpty(payloadReason), "an undecodable payload without a reason");
        }

        LicenseStoreImage.TryRead(input, s_geometry, out _, out _, out _);
    }
}
