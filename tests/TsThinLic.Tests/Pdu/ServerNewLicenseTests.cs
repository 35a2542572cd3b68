using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ServerNewLicenseTests
{
    [Fact]
    public void DecodesTheSpecSample()
    {
        // [MS-RDPELE 4.6]: 03 03 0708 | EncryptedLicenseInfo 0900 ef07 (2031 bytes) | MACData ede8...cb1f.
        var license = PduTestKit.Decode<ServerNewLicense>("spec_4_6_server_new_license");
        Assert.False(license.IsUpgrade);
        Assert.Equal(LicensingMessageType.NewLicense, license.MessageType);
        Assert.Equal((ushort)BinaryBlobType.EncryptedData, license.EncryptedLicenseInfo.BlobType);
        Assert.Equal(2031, license.EncryptedLicenseInfo.Data.Length);
        Assert.Equal(Vectors.Hex("spec_4_6_server_new_license", "mac"), license.MacData.ToArray());
    }

    [Fact]
    public void UpgradeLicenseHasTheSameLayout()
    {
        byte[] wire = Vectors.Hex("spec_4_6_server_new_license");
        wire[0] = (byte)LicensingMessageType.UpgradeLicense;
        var upgrade = Assert.IsType<ServerNewLicense>(PduTestKit.Decode(wire));
        Assert.True(upgrade.IsUpgrade);
        Assert.Equal("UPGRADE_LICENSE", LicensingSpecNames.MessageType(upgrade.MessageType));
        Assert.Equal(wire, upgrade.ToArray());
    }

    [Fact]
    public void BuildsANewLicenseFromItsParts()
    {
        string v = "spec_4_6_server_new_license";
        var built = new ServerNewLicense(
            new LicensePreamble(LicensingMessageType.NewLicense, LicensePreamble.DefaultServerFlags, 0),
            null,
            new LicenseBinaryBlob(BinaryBlobType.EncryptedData, Vectors.Hex(v, "encrypted_license_info")),
            Vectors.Hex(v, "mac"));
        Assert.Equal(Vectors.Hex(v), built.ToArray());
        Assert.Throws<ArgumentException>(() => new ServerNewLicense(new LicensePreamble(LicensingMessageType.LicenseInfo, 3, 0), null, built.EncryptedLicenseInfo, built.MacData));
    }
}
