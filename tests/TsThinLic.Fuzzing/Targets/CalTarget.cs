using System.Text.Json;
using TsThinLic.Cal;
using TsThinLic.Diagnostics;
using TsThinLic.Pdu;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// [MS-RDPELE 2.2.2.9] The CAL (pbLicenseInfo, a PKCS#7 SignedData of certificates): <see cref="ClientAccessLicense"/>
/// and the TSCTST view <c>show</c> prints (<see cref="CalDescriber"/> into JSON, which must stay valid JSON).
/// </summary>
/// <remarks>
/// Invariants: nothing throws; a failure names a part at an offset inside the input; decoding allocates at most 16
/// bytes per CAL byte plus 32 KiB (names decoded to strings, dates, the HWID; a Windows CAL takes 8.6); the described JSON parses.
/// </remarks>
public sealed class CalTarget : FuzzTarget
{
    private const int FixedAllowance = 32 * 1024;

    private static readonly ClientHardwareId s_device = new(0x04010000, 0x11111111, 0x22222222, 0x33333333, 0x44444444);
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // OBJECT IDENTIFIER 1.2.840.113549.1.7.2 (PKCS#7 signedData), as DER.
    private static readonly byte[] s_signedDataOid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

    public override string Name => "cal";

    public override string Covers => "ClientAccessLicense.TryDecode (PKCS#7, X.509 leaf, Microsoft extensions, HWID), CalDescriber.DescribeFields into JSON";

    public override int MaxInputLength => ushort.MaxValue + 16;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (HexVector vector in sources.HexVectors())
        {
            // A DER SEQUENCE carrying the PKCS#7 signedData OID (1.2.840.113549.1.7.2), possibly behind a length prefix.
            int at = vector.Bytes.AsSpan().IndexOf(s_signedDataOid);
            if (at > 0)
            {
                int start = vector.Bytes.AsSpan(0, at).LastIndexOf((byte)0x30);
                yield return new FuzzSeed(vector.Name, start >= 0 ? vector.Bytes[start..] : vector.Bytes);
            }
        }

        foreach (string path in sources.Shared("windows-licensing", "*.der", recursive: true))
        {
            yield return SeedSources.FromFile(path);
        }

        foreach (string path in sources.Shared("windows-licensing/licenses", "*", recursive: true))
        {
            if (!path.EndsWith(".der", StringComparison.Ordinal))
            {
                yield return SeedSources.FromFile(path);
            }
        }

        foreach (FuzzSeed seed in TranscriptSeeds.Cals(sources))
        {
            yield return seed;
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        bool decoded = ClientAccessLicense.TryDecode(input, out ClientAccessLicense? cal, out DecodeError error);
        CheckAllocated(mark, (16L * input.Length) + FixedAllowance, "ClientAccessLicense.TryDecode", input.Length);
        if (decoded)
        {
            Check(cal is not null, "TryDecode returned true without a CAL");
            _ = $"{cal!.LicenseId} {cal.IsTemporary} {cal.Issuer} {cal.Scope} {cal.IssuedToMachine} {cal.IssuedToUser} {cal.HardwareId} {cal.CertificateCount}";
            _ = $"{cal.Leaf.NotBefore} {cal.Leaf.NotAfter} {cal.Leaf.Manufacturer} {cal.Leaf.ProductInfo} {cal.Leaf.ServerInfo} {cal.Leaf.SignatureAlgorithm}";
        }
        else
        {
            Check(cal is null, "TryDecode returned false with a CAL");
            CheckDecodeError(error, input.Length);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            CalDescriber.DescribeFields(input, s_device, s_now, new JsonFieldWriter(json));
            json.WriteEndObject();
        }

        try
        {
            using JsonDocument parsed = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            throw Broken(FuzzInvariant.Contract, "the CAL's JSON view is not valid JSON", e);
        }
    }
}
