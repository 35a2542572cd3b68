using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ClientLicenseInfoTests
{
    private const string Spec = "spec_4_3_client_license_info";

    [Fact]
    public void DecodesTheSpecSampleWithItsType1EncryptedHwid()
    {
        // [MS-RDPELE 4.3]: 12 83 fd08 | PreferredKeyExchangeAlg 1 | PlatformId 0x04010000 | ClientRandom (32) |
        // EncryptedPreMasterSecret 0200 0801 | LicenseInfo 0100 9907 (the CAL) | EncryptedHWID 0100 1400 (type 1, not 9) | MACData.
        var info = PduTestKit.Decode<ClientLicenseInfo>(Spec);
        Assert.Equal(1u, info.PreferredKeyExchangeAlgorithm);
        Assert.Equal((ushort)BinaryBlobType.Random, info.EncryptedPreMasterSecret.BlobType);
        Assert.Equal(1945, info.LicenseInfo.Data.Length);
        Assert.Equal((ushort)BinaryBlobType.Data, info.EncryptedHardwareId.BlobType);
        Assert.Equal(ClientHardwareId.Length, info.EncryptedHardwareId.Data.Length);

        // The presented CAL is byte-identical to the one the 4.6 NEW_LICENSE_INFO carries.
        Assert.True(NewLicenseInfo.TryDecode(Vectors.Hex("spec_4_6_new_license_info_decrypted"), out NewLicenseInfo? issued, out _));
        Assert.Equal(issued.LicenseInfo.ToArray(), info.LicenseInfo.Data.ToArray());
    }

    [Fact]
    public void BuildsTheSpecSampleFromItsParts()
    {
        var built = new ClientLicenseInfo(
            new LicensePreamble(LicensingMessageType.LicenseInfo, LicensePreamble.DefaultClientFlags, 0),
            null,
            1,
            Vectors.Number(Spec, "platform_id"),
            Vectors.Hex(Spec, "client_random"),
            new LicenseBinaryBlob(BinaryBlobType.Random, Vectors.Hex(Spec, "encrypted_premaster_secret")),
            new LicenseBinaryBlob(BinaryBlobType.Data, Vectors.Hex(Spec, "license_info")),
            new LicenseBinaryBlob(BinaryBlobType.Data, Vectors.Hex(Spec, "encrypted_hwid")),
            Vectors.Hex(Spec, "mac"));
        Assert.Equal(Vectors.Hex(Spec), built.ToArray());
        Assert.Equal(2301, built.Preamble.MessageSize);
    }

    [Fact]
    public void RejectsAWrongSizedRandomOrMac()
    {
        var preamble = new LicensePreamble(LicensingMessageType.LicenseInfo, LicensePreamble.DefaultClientFlags, 0);
        LicenseBinaryBlob empty = LicenseBinaryBlob.Empty(BinaryBlobType.Data);
        Assert.Throws<ArgumentException>(() => new ClientLicenseInfo(preamble, null, 1, 0, new byte[33], empty, empty, empty, new byte[16]));
        Assert.Throws<ArgumentException>(() => new ClientLicenseInfo(preamble, null, 1, 0, new byte[32], empty, empty, empty, new byte[17]));
    }
}
