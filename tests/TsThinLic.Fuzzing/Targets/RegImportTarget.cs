using TsThinLic.Storage;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// A .reg file (<c>import FILE.reg</c>, <c>show --reg</c>, <c>--store reg:</c>): <see cref="RegFile.Decode"/> (UTF-16LE
/// with a BOM, or UTF-8), <see cref="RegFile.TryRead"/> into a hive, and the MSLicensing key read as the registry store
/// reads it (<see cref="LicenseStoreImage.TryReadReg"/>).
/// </summary>
/// <remarks>
/// Invariants: nothing throws; reading allocates at most 128 bytes per input byte plus 256 KiB: linear, not bounded by a
/// constant (the fixture takes 35 per byte and fuzzed files up to 68: the text is copied as UTF-16 several times over
/// (line split, trim, continuation joins) and hex data is split into one string per byte); the MSLicensing key
/// written back (<see cref="RegFile.Write"/>) reads again and writes the same text.
/// </remarks>
public sealed class RegImportTarget : FuzzTarget
{
    private const int FixedAllowance = 256 * 1024;

    public override string Name => "reg-import";

    public override string Covers => "RegFile.Decode/TryRead/Write, LicenseStoreImage.TryReadReg (RegistryLicenseStore over the hive)";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (string path in sources.Fixtures("stores", "*.reg"))
        {
            FuzzSeed seed = SeedSources.FromFile(path);
            yield return seed;

            // The same file as UTF-8, the other encoding the reader takes.
            yield return new FuzzSeed(seed.Name + ".utf8", System.Text.Encoding.UTF8.GetBytes(RegFile.Decode(seed.Bytes)));
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        string text = RegFile.Decode(input);
        bool read = RegFile.TryRead(text, out MemoryRegistry hive, out string error);
        LicenseStoreImage.TryReadReg(input, out LicenseStoreContents contents, out string storeError);
        CheckAllocated(mark, (128L * input.Length) + FixedAllowance, "RegFile.TryRead + LicenseStoreImage.TryReadReg", input.Length);
        Check(read || !string.IsNullOrEmpty(error), "an unreadable .reg without a reason");
        Check(contents.IsEmpty || string.IsNullOrEmpty(storeError), "a .reg read with contents and an error");
        if (!read || !hive.KeyExists(RegistryLicenseStore.RootKey))
        {
            return;
        }

        string written = RegFile.Write(hive, RegistryLicenseStore.RootKey);
        Check(RegFile.TryRead(written, out MemoryRegistry again, out string againError), $"read→write→read failed: {againError}");
        string rewritten = RegFile.Write(again, RegistryLicenseStore.RootKey);
        Check(written == rewritten, $"read→write→read→write changed the text:\n{written}\n---\n{rewritten}");
    }
}
