using TsThinLic.Storage;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// A JSON export (<c>export FILE.json</c> / <c>import</c>): <see cref="LicenseStoreJson.TryRead"/> and the format
/// detection of <see cref="LicenseStoreImage.TryRead"/>.
/// </summary>
/// <remarks>
/// Invariants: nothing throws; reading allocates at most 32 bytes per input byte plus 64 KiB (the DOM, Base64 CALs decoded,
/// strings); contents that read write back (<see cref="LicenseStoreJson.Write"/>) to a file that reads to the same
/// contents and writes the same bytes.
/// </remarks>
public sealed class JsonImportTarget : FuzzTarget
{
    private const int FixedAllowance = 64 * 1024;

    private static readonly Storage.Flash.FlashGeometry s_geometry = new(1, 4096);

    public override string Name => "json-import";

    public override string Covers => "LicenseStoreJson.TryRead/Write, LicenseStoreImage.TryRead";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        // An export of each fixture store, made here from its bytes (the fixtures hold no JSON export).
        foreach (string path in sources.Fixtures("stores", "*"))
        {
            FuzzSeed store = SeedSources.FromFile(path);
            if (LicenseStoreImage.TryRead(store.Bytes, path.Contains("p512", StringComparison.Ordinal) ? new(512, 512) : s_geometry, out _, out LicenseStoreContents contents, out _))
            {
                yield return new FuzzSeed(store.Name + ".json", LicenseStoreJson.Write(contents));
            }
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        bool read = LicenseStoreJson.TryRead(input, out LicenseStoreContents contents, out string error);
        CheckAllocated(mark, (32L * input.Length) + FixedAllowance, "LicenseStoreJson.TryRead", input.Length);
        LicenseStoreImage.TryRead(input, s_geometry, out _, out _, out _);
        if (!read)
        {
            Check(!string.IsNullOrEmpty(error), "an unreadable export without a reason");
            return;
        }

        byte[] written = LicenseStoreJson.Write(contents);
        Check(LicenseStoreJson.TryRead(written, out LicenseStoreContents again, out string againError), $"read→write→read failed: {againError}");
        Check(again.ContentEquals(contents), "read→write→read changed the contents");
        CheckSameBytes(written, LicenseStoreJson.Write(again), "read→write→read→write");
    }
}
