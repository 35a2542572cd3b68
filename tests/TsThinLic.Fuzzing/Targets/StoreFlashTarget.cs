using System.Buffers.Binary;
using System.IO.Hashing;
using TsThinLic.Storage;
using TsThinLic.Storage.Flash;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// A flash partition image (two A/B slots of whole erase units, each an envelope with a commit marker):
/// <see cref="FlashLicenseStore.TryReadImage"/>, which opens a store on the image and verifies both slots.
/// </summary>
/// <remarks>
/// <para>Input: one configuration byte, then the image. Bit 0 picks the geometry (0: NOR, program 1 B / erase 4 KiB;
/// 1: FTL, program 512 B / erase 512 B, the two profiles of fixtures/stores); bit 1 recomputes each slot's CRC-32
/// before reading, so that mutations of the header and payload get past the CRC (without it the CRC check itself is
/// fuzzed).</para>
/// <para>Invariants: nothing throws; reading allocates at most four times the image plus 64 KiB (a snapshot of the
/// image, each slot's payload, the contents); a refusal says why.</para>
/// </remarks>
public sealed class StoreFlashTarget : FuzzTarget
{
    private const int FixedAllowance = 64 * 1024;

    private static readonly FlashGeometry s_nor = new(1, 4096);
    private static readonly FlashGeometry s_ftl = new(512, 512);

    public override string Name => "store-flash";

    public override string Covers => "FlashLicenseStore.TryReadImage (A/B slots, envelope, payload)";

    public override int MaxInputLength => (2 * 4096 * 2) + 1;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (string path in sources.Fixtures("stores", "flash-*.bin"))
        {
            FuzzSeed image = SeedSources.FromFile(path);
            byte geometry = image.Name.Contains("p512", StringComparison.Ordinal) ? (byte)1 : (byte)0;
            yield return new FuzzSeed(image.Name, [geometry, .. image.Bytes]);
            yield return new FuzzSeed(image.Name + ".crc-fixed", [(byte)(geometry | 2), .. image.Bytes]);
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        FlashGeometry geometry = (input[0] & 1) == 0 ? s_nor : s_ftl;
        byte[] image = input[1..].ToArray();
        if ((input[0] & 2) != 0)
        {
            FixCrcs(image);
        }

        long mark = AllocationMark();
        bool read = FlashLicenseStore.TryReadImage(image, geometry, out LicenseStoreContents contents, out string reason);
        CheckAllocated(mark, (4L * image.Length) + FixedAllowance, "FlashLicenseStore.TryReadImage", image.Length);
        Check(read || !string.IsNullOrEmpty(reason), "an unreadable image without a reason");
        Check(read || contents.IsEmpty, "an unreadable image with contents");
    }

    /// <summary>Writes the CRC-32 each slot's header and payload call for, where the header's length fits the slot.</summary>
    private static void FixCrcs(Span<byte> image)
    {
        int slotLength = image.Length / 2;
        for (int slot = 0; slot < 2 && slotLength >= StoreEnvelope.HeaderLength; slot++)
        {
            Span<byte> region = image.Slice(slot * slotLength, slotLength);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(region[StoreEnvelope.PayloadLengthOffset..]);
            if (length > (uint)(region.Length - StoreEnvelope.HeaderLength))
            {
                continue;
            }

            var crc = new Crc32();
            crc.Append(region[..StoreEnvelope.CrcOffset]);
            crc.Append(region.Slice(StoreEnvelope.HeaderLength, (int)length));
            BinaryPrimitives.WriteUInt32LittleEndian(region[StoreEnvelope.CrcOffset..], crc.GetCurrentHashAsUInt32());
        }
    }
}
