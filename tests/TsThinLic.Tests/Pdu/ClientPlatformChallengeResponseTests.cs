using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ClientPlatformChallengeResponseTests
{
    // [MS-RDPELE 4.5].
    private static readonly byte[] s_spec = Convert.FromHexString(
        "15" + "83" + "4200" // bMsgType PLATFORM_CHALLENGE_RESPONSE, flags v3|EXTENDED_ERROR_MSG_SUPPORTED, wMsgSize 66
        + "0100" + "1200" // EncryptedPlatformChallengeResponse: wBlobType 1 (spec text says 9), wBlobLen 18
        + "fab4e824cf56b24e8002bdb661fcdfe96c44" // blobData
        + "0100" + "1400" // EncryptedHWID: wBlobType 1, wBlobLen 20
        + "f8b5e8253d0f3f701dda601916fe731a457e0271" // blobData
        + "3823625d108b93c3f1e4671f4ab6000a"); // MACData

    [Fact]
    public void TheAnnotatedBytesAreTheFixture() => Assert.Equal(Vectors.Hex("spec_4_5_client_platform_challenge_response"), s_spec);

    [Fact]
    public void DecodesTheSpecSample()
    {
        PduTestKit.AssertDecodesEverywhere(s_spec, pdu =>
        {
            var response = Assert.IsType<ClientPlatformChallengeResponse>(pdu);
            Assert.Equal(0x0001, response.EncryptedPlatformChallengeResponse.BlobType);
            Assert.Equal(18, response.EncryptedPlatformChallengeResponse.Data.Length);
            Assert.Equal(0x0001, response.EncryptedHardwareId.BlobType);
            Assert.Equal(20, response.EncryptedHardwareId.Data.Length);
        });
    }

    [Fact]
    public void DecodesTheIronRdpVariantWithBlobType9()
    {
        var response = PduTestKit.Decode<ClientPlatformChallengeResponse>("ironrdp_client_platform_challenge_response");
        Assert.Equal((ushort)BinaryBlobType.EncryptedData, response.EncryptedPlatformChallengeResponse.BlobType);
        Assert.Equal((ushort)BinaryBlobType.EncryptedData, response.EncryptedHardwareId.BlobType);
        Assert.Equal(0x03, response.Preamble.Flags);
    }

    [Fact]
    public void BuildsTheSpecSample()
    {
        var built = new ClientPlatformChallengeResponse(
            new LicensePreamble(LicensingMessageType.PlatformChallengeResponse, LicensePreamble.DefaultClientFlags, 0),
            null,
            new LicenseBinaryBlob(BinaryBlobType.Data, Convert.FromHexString("fab4e824cf56b24e8002bdb661fcdfe96c44")),
            new LicenseBinaryBlob(BinaryBlobType.Data, Convert.FromHexString("f8b5e8253d0f3f701dda601916fe731a457e0271")),
            Convert.FromHexString("3823625d108b93c3f1e4671f4ab6000a"));
        Assert.Equal(s_spec, built.ToArray());
    }
}
