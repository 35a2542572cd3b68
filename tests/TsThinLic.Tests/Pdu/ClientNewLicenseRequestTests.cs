using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ClientNewLicenseRequestTests
{
    [Fact]
    public void DecodesTheSpecSample()
    {
        // [MS-RDPELE 4.2]: 13 83 5501 | PreferredKeyExchangeAlg 01000000 | PlatformId 00000104 | ClientRandom dc73...9cd8 |
        // EncryptedPreMasterSecret 0200 0801 (264) | ClientUserName 0f00 0e00 "Administrator\0" | ClientMachineName 1000 0700 "RODENT\0".
        var request = PduTestKit.Decode<ClientNewLicenseRequest>("spec_4_2_client_new_license_request");
        Assert.Equal(LicensePreamble.DefaultClientFlags, request.Preamble.Flags);
        Assert.True(request.Preamble.ExtendedErrorMessageSupported);
        Assert.Equal(3, request.Preamble.Version);
        Assert.Equal(ClientNewLicenseRequest.KeyExchangeAlgorithmRsa, request.PreferredKeyExchangeAlgorithm);
        Assert.Equal(0x04010000u, request.PlatformId);
        Assert.Equal(264, request.EncryptedPreMasterSecret.Data.Length);
        Assert.Equal("Administrator", request.ClientUserName);
        Assert.Equal("RODENT", request.ClientMachineName);
        Assert.Equal((ushort)BinaryBlobType.ClientUserName, request.ClientUserNameBlob.BlobType);
        Assert.Equal((ushort)BinaryBlobType.ClientMachineName, request.ClientMachineNameBlob.BlobType);
    }

    [Fact]
    public void BuildsTheIronRdpRequestFromItsParts()
    {
        string v = "ironrdp_client_new_license_request";
        byte[] wire = Vectors.Hex(v);
        var decoded = PduTestKit.Decode<ClientNewLicenseRequest>(v);
        var built = new ClientNewLicenseRequest(
            new LicensePreamble(LicensingMessageType.NewLicenseRequest, LicensePreamble.PreambleVersion3, 0),
            SecurityHeader.LicensePacket,
            ClientNewLicenseRequest.KeyExchangeAlgorithmRsa,
            0x04010000,
            Vectors.Hex(v, "client_random"),
            new LicenseBinaryBlob(BinaryBlobType.Random, Vectors.Hex("ironrdp_key_derivation_and_rsa", "encrypted_premaster_secret_blob")),
            "sample-user",
            "sample-machine-name");
        Assert.Equal(wire, built.ToArray(withSecurityHeader: true));
        Assert.Equal(decoded.EncryptedPreMasterSecret, built.EncryptedPreMasterSecret);
    }

    [Fact]
    public void KeepsNonAsciiNameBytesAndReadsThemAsLatin1()
    {
        var request = new ClientNewLicenseRequest(
            new LicensePreamble(LicensingMessageType.NewLicenseRequest, LicensePreamble.DefaultClientFlags, 0),
            null,
            1,
            0x04010000,
            new byte[32],
            LicenseBinaryBlob.Empty(BinaryBlobType.Random),
            new LicenseBinaryBlob(BinaryBlobType.ClientUserName, new byte[] { 0x4A, 0xF6, 0x72, 0x67, 0x00 }), // "Jörg\0" in Windows-1252
            new LicenseBinaryBlob(BinaryBlobType.ClientMachineName, new byte[] { 0x50, 0x43 })); // no NUL at all
        var decoded = Assert.IsType<ClientNewLicenseRequest>(PduTestKit.Decode(request.ToArray()));
        Assert.Equal("J\u00F6rg", decoded.ClientUserName);
        Assert.Equal("PC", decoded.ClientMachineName);
        Assert.Equal(request.ToArray(), decoded.ToArray());
    }

    [Fact]
    public void WritesCharactersOutsideLatin1AsQuestionMarks()
    {
        var request = new ClientNewLicenseRequest(
            new LicensePreamble(LicensingMessageType.NewLicenseRequest, LicensePreamble.DefaultClientFlags, 0),
            null,
            1,
            0x04010000,
            new byte[32],
            LicenseBinaryBlob.Empty(BinaryBlobType.Random),
            "\u0416ane",
            "host");
        Assert.Equal("?ane\0"u8.ToArray(), request.ClientUserNameBlob.Data.ToArray());
        Assert.Equal("host\0"u8.ToArray(), request.ClientMachineNameBlob.Data.ToArray());
    }
}
