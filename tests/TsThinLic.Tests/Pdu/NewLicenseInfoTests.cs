using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class NewLicenseInfoTests
{
    private const string Spec = "spec_4_6_new_license_info_decrypted";

    [Fact]
    public void DecodesTheSpecSample()
    {
        // [MS-RDPELE 4.6]: dwVersion 00000600 | cbScope 0e "microsoft.com\0" | cbCompanyName 2c "Microsoft Corporation\0"
        // (UTF-16LE) | cbProductId 08 "A02\0" | cbLicenseInfo 0x799 | pbLicenseInfo (PKCS#7).
        byte[] wire = Vectors.Hex(Spec);
        Assert.True(NewLicenseInfo.TryDecode(wire, out NewLicenseInfo? info, out DecodeError error), error.ToString());
        Assert.Equal(Vectors.Number(Spec, "dwVersion"), info.Version);
        Assert.Equal(Vectors.Text(Spec, "scope"), info.Scope);
        Assert.Equal(Vectors.Text(Spec, "company"), info.CompanyName);
        Assert.Equal(Vectors.Text(Spec, "product_id"), info.ProductId);
        Assert.Equal((int)Vectors.Number(Spec, "cbLicenseInfo"), info.LicenseInfo.Length);
        Assert.Equal(Vectors.Hex("cal_decode_spec_rodent"), info.LicenseInfo.ToArray());
        Assert.Equal(wire, info.ToArray());
        Assert.Equal(wire.Length, info.GetEncodedLength());
    }

    [Fact]
    public void BuildsTheSpecSampleFromStrings()
    {
        var info = new NewLicenseInfo(0x00060000, "microsoft.com", "Microsoft Corporation", "A02", Vectors.Hex("cal_decode_spec_rodent"));
        Assert.Equal(Vectors.Hex(Spec), info.ToArray());
    }

    [Fact]
    public void DecodesARealWindows2019License()
    {
        // A captured SERVER_NEW_LICENSE (IronRDP tests), decrypted with its licensing key.
        string v = "ironrdp_real_new_license_encrypted";
        byte[] ciphertext = Vectors.Hex(v);
        byte[] plaintext = new byte[ciphertext.Length];
        Rc4.Transform(Vectors.Hex(v, "licensing_encryption_key"), ciphertext, plaintext);
        Assert.True(NewLicenseInfo.TryDecode(plaintext, out NewLicenseInfo? info, out DecodeError error), error.ToString());
        Assert.Equal(0x000A0001u, info.Version);
        Assert.Equal("microsoft.com", info.Scope);
        Assert.Equal("Microsoft Corporation", info.CompanyName);
        Assert.Equal("A02", info.ProductId);
        Assert.Equal(5112, info.LicenseInfo.Length);
        Assert.Equal(plaintext, info.ToArray());
    }

    [Theory]
    [InlineData(7, 0xFF, DecodeErrorKind.LengthOutOfRange, "cbScope", 4)]
    [InlineData(22, 0x2b, DecodeErrorKind.InvalidValue, "cbCompanyName", 22)]
    [InlineData(82, 0x9a, DecodeErrorKind.LengthOutOfRange, "cbLicenseInfo", 82)]
    [InlineData(82, 0x98, DecodeErrorKind.TrailingData, "cbLicenseInfo", 2030)]
    public void NamesTheBadField(int offset, byte value, DecodeErrorKind kind, string field, int errorOffset)
    {
        // dwVersion @0, cbScope @4, pbScope @8 (14), cbCompanyName @22, pbCompanyName @26 (44), cbProductId @70,
        // pbProductId @74 (8), cbLicenseInfo @82, pbLicenseInfo @86 (1945).
        byte[] wire = Vectors.Hex(Spec);
        wire[offset] = value;
        Assert.False(NewLicenseInfo.TryDecode(wire, out NewLicenseInfo? info, out DecodeError error));
        Assert.Null(info);
        Assert.Equal((kind, field, errorOffset), (error.Kind, error.Field, error.Offset));
    }

    [Fact]
    public void ChecksStringLengthsAgainstTheirMaximumBeforeWhatRemains()
    {
        byte[] wire = new byte[8];
        wire[4] = 0x01;
        wire[5] = 0x10; // cbScope 4097
        Assert.False(NewLicenseInfo.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal("LengthOutOfRange: cbScope at offset 4 (declares 4097, maximum 4096)", error.ToString());
    }
}
