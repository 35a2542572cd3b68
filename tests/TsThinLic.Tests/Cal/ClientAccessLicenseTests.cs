using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Cal;

/// <summary>CAL decoding on two real CALs no one here made: the spec's RODENT one and a 2019 Windows Server one.</summary>
public sealed class ClientAccessLicenseTests
{
    private const string Rodent = "cal_decode_spec_rodent";

    /// <summary>The CAL inside IronRDP's real 2019 NEW_LICENSE capture, decrypted with its licensing key.</summary>
    internal static byte[] Windows2019Cal()
    {
        const string V = "ironrdp_real_new_license_encrypted";
        byte[] cipher = Vectors.Hex(V);
        byte[] plain = new byte[cipher.Length];
        Rc4.Transform(Vectors.Hex(V, "licensing_encryption_key"), cipher, plain);
        Assert.True(NewLicenseInfo.TryDecode(plain, out NewLicenseInfo? info, out _));
        return info!.LicenseInfo.ToArray();
    }

    private static ClientAccessLicense Decode(byte[] bytes)
    {
        Assert.True(ClientAccessLicense.TryDecode(bytes, out ClientAccessLicense? license, out DecodeError error), error.ToString());
        return license!;
    }

    [Fact]
    public void TheSpecCalDecodesToEveryListedField()
    {
        ClientAccessLicense cal = Decode(Vectors.Hex(Rodent));
        CalCertificate leaf = cal.Leaf;

        Assert.Equal(2, cal.CertificateCount);
        Assert.Equal(Vectors.Text(Rodent, "leaf_serial"), Convert.ToHexStringLower(leaf.SerialNumber.Span));
        Assert.Equal(Vectors.Text(Rodent, "sig_alg"), leaf.SignatureAlgorithm);
        Assert.Equal("RODENT", leaf.Issuer.CommonName);
        Assert.Equal("WORKGROUP", leaf.Issuer.Locality);
        Assert.Equal("RODENT", leaf.Subject.CommonName);
        Assert.Equal("Administrator", leaf.Subject.Locality);
        Assert.Equal(Vectors.Text(Rodent, "subject_serialNumber"), leaf.Subject.SerialNumber);
        Assert.Equal(new DateTimeOffset(2007, 6, 20, 14, 51, 35, TimeSpan.Zero), leaf.NotBefore);
        Assert.Equal(new DateTimeOffset(2007, 9, 18, 14, 51, 35, TimeSpan.Zero), leaf.NotAfter);
        Assert.Equal(0x00050001u, leaf.CertificateVersion);
        Assert.Equal(Vectors.Text(Rodent, "company"), leaf.Manufacturer);

        LicensedProductInfo product = leaf.ProductInfo!;
        Assert.Equal(0x00003000u, product.Version);
        Assert.Equal(1u, product.LicenseCount);
        Assert.Equal(0x000000ffu, product.PlatformId);
        Assert.Equal(0x00000400u, product.LanguageId);
        Assert.Equal("A02", product.RequestedProductId);
        Assert.Equal("A02-6.00-S", product.AdjustedProductId);
        Assert.Equal(new LicensedProductVersion(6, 0, 0x80648000), Assert.Single(product.Versions));
        Assert.True(product.ProductVersion.IsTemporary);
        Assert.True(product.ProductVersion.IsEnforced);
        Assert.False(product.ProductVersion.IsRtm);

        Assert.Equal(new LicenseServerInfo(0x00003000, "RODENT", "78440-006-5867045-70347", "WORKGROUP"), leaf.ServerInfo);

        Assert.Equal("A02-6.00-S", cal.LicenseId);
        Assert.True(cal.IsTemporary);
        Assert.Equal("RODENT", cal.Issuer);
        Assert.Equal("WORKGROUP", cal.Scope);
        Assert.Equal("RODENT", cal.IssuedToMachine);
        Assert.Equal("Administrator", cal.IssuedToUser);
        // The HWID is the [MS-RDPELE 4.5] one.
        Assert.Equal(Vectors.Text(Rodent, "hwid_decoded"), cal.HardwareId!.Value.ToString());
        Assert.Equal(Vectors.Text("spec_4_5_client_platform_challenge_response", "decrypted_hwid_per_spec"), cal.HardwareId.Value.ToString());
    }

    [Fact]
    public void ARealWindowsServerCalDecodesToo()
    {
        // Four certificates (Microsoft's chain, the license server's, the client's), a PrintableString issuer, an
        // extra extension (1.3.6.1.4.1.311.18.9) the decoder does not know.
        ClientAccessLicense cal = Decode(Windows2019Cal());

        Assert.Equal(4, cal.CertificateCount);
        Assert.Equal("A02-10.01-S", cal.LicenseId);
        Assert.Equal(new LicensedProductVersion(10, 1, 0x80808000), cal.Leaf.ProductInfo!.ProductVersion);
        Assert.True(cal.IsTemporary);
        Assert.True(cal.Leaf.ProductInfo.ProductVersion.IsRtm);
        Assert.Equal("Becker", cal.Issuer);
        Assert.Equal(new LicenseServerInfo(0x00003000, "WIN-4L4L6AMBCSQ", "00429-00000-34972-AT353", "WORKGROUP"), cal.Leaf.ServerInfo);
        Assert.Equal("WORKGROUP", cal.Scope); // no L in this issuer: the license-server-info scope stands in
        Assert.Equal("ubuntu2", cal.IssuedToMachine);
        Assert.Equal("Administrator", cal.IssuedToUser);
        Assert.Equal(new DateTimeOffset(2019, 10, 27, 13, 57, 42, TimeSpan.Zero), cal.Leaf.NotBefore);
        Assert.Equal(TimeSpan.FromDays(90), cal.Leaf.NotAfter - cal.Leaf.NotBefore); // a temporary CAL lasts 90 days
        // An independent check of the obfuscation key: the HWID starts with IronRDP's PlatformId 0x04010000.
        Assert.Equal(0x04010000u, cal.HardwareId!.Value.PlatformId);
        Assert.Equal("0000010488fa3fe1ddb15d828eb8b1222af4755a", cal.HardwareId.Value.ToString());
    }

    [Fact]
    public void TheSerialNumberRoundTrips()
    {
        var hardwareId = new ClientHardwareId(0x04010000, Convert.FromHexString("00112233445566778899aabbccddeeff"));

        string serial = CalHardwareId.Encode(hardwareId);

        Assert.EndsWith("\r\n", serial, StringComparison.Ordinal);
        Assert.True(CalHardwareId.TryDecode(serial, out ClientHardwareId? decoded));
        Assert.Equal(hardwareId, decoded);
        Assert.Equal(Vectors.Text(Rodent, "subject_serialNumber"), CalHardwareId.Encode(new ClientHardwareId(2, Convert.FromHexString("f159873ec9d898af2402f8f3293af026"))));
        Assert.False(CalHardwareId.TryDecode("not base64!", out _));
        Assert.False(CalHardwareId.TryDecode(Convert.ToBase64String(new byte[19]), out _));
    }

    [Fact]
    public void EveryTruncationIsATypedErrorNeverAnException()
    {
        foreach (byte[] cal in new[] { Vectors.Hex(Rodent), Windows2019Cal() })
        {
            for (int length = 0; length < cal.Length; length++)
            {
                bool decoded = ClientAccessLicense.TryDecode(cal.AsSpan(0, length), out _, out DecodeError error);
                Assert.False(decoded && length < 16, $"a {length}-byte prefix decoded");
                if (!decoded)
                {
                    Assert.False(string.IsNullOrEmpty(error.Field));
                    Assert.InRange(error.Offset, 0, length);
                }
            }
        }
    }

    [Fact]
    public void MutationsNeverThrow()
    {
        var random = new Random(20261128);
        foreach (byte[] original in new[] { Vectors.Hex(Rodent), Windows2019Cal() })
        {
            for (int i = 0; i < 3000; i++)
            {
                byte[] mutated = (byte[])original.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                if (ClientAccessLicense.TryDecode(mutated, out ClientAccessLicense? cal, out _))
                {
                    _ = LicenseIdCatalog.Describe(cal.LicenseId);
                    _ = cal.Leaf.Subject.ToString();
                }
            }
        }
    }

    [Fact]
    public void GarbageIsRefusedWithTheField()
    {
        Assert.False(ClientAccessLicense.TryDecode([0x30, 0x03, 0x02, 0x01, 0x01], out _, out DecodeError error));
        Assert.Equal("ContentInfo.contentType", error.Field);
        Assert.False(ClientAccessLicense.TryDecode([], out _, out error));
        Assert.Equal("ContentInfo", error.Field);
        Assert.False(ClientAccessLicense.TryDecode(new byte[70000], out _, out error));
        Assert.Equal(DecodeErrorKind.LengthOutOfRange, error.Kind);
    }

    [Theory]
    [InlineData("A02-5.00-EX", "Windows 2000 built-in")]
    [InlineData("A02-5.02-S", "Windows Server 2003")]
    [InlineData("A02-6.00-S", "2008")]
    [InlineData("A02-10.01-S", "product version 10.01")]
    [InlineData("XYZ", "unknown license ID XYZ")]
    [InlineData(null, "no license ID")]
    public void LicenseIdsAreExplained(string? id, string expected)
        => Assert.Contains(expected, LicenseIdCatalog.Describe(id), StringComparison.Ordinal);
}
