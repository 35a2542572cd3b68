using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ServerPlatformChallengeTests
{
    // [MS-RDPELE 4.4].
    private static readonly byte[] s_spec = Convert.FromHexString(
        "02" + "03" + "2600" // bMsgType PLATFORM_CHALLENGE, flags v3, wMsgSize 38
        + "ffffffff" // ConnectFlags
        + "50f7" + "0a00" // EncryptedPlatformChallenge: wBlobType 0xF750 (junk, ignored per the spec), wBlobLen 10
        + "463785548ec59134975d" // blobData
        + "7894ad3b81da8818560f3ad1f103ef35"); // MACData

    [Fact]
    public void TheAnnotatedBytesAreTheFixture() => Assert.Equal(Vectors.Hex("spec_4_4_server_platform_challenge"), s_spec);

    [Fact]
    public void DecodesTheSpecSampleKeepingItsJunkBlobType()
    {
        PduTestKit.AssertDecodesEverywhere(s_spec, pdu =>
        {
            var challenge = Assert.IsType<ServerPlatformChallenge>(pdu);
            Assert.Equal(0xFFFFFFFFu, challenge.ConnectFlags);
            Assert.Equal(0xF750, challenge.EncryptedPlatformChallenge.BlobType);
            Assert.Equal(Convert.FromHexString("463785548ec59134975d"), challenge.EncryptedPlatformChallenge.Data.ToArray());
            Assert.Equal(Convert.FromHexString("7894ad3b81da8818560f3ad1f103ef35"), challenge.MacData.ToArray());
        });
        Assert.Equal(s_spec, PduTestKit.Decode(s_spec).ToArray());
    }

    [Fact]
    public void ToleratesAnyBlobType()
    {
        byte[] wire = Vectors.Hex("ironrdp_platform_challenge_synthetic");
        wire[12] = 0xef;
        wire[13] = 0xbe; // wBlobType 0xBEEF
        var challenge = Assert.IsType<ServerPlatformChallenge>(PduTestKit.Decode(wire));
        Assert.Equal(0xBEEF, challenge.EncryptedPlatformChallenge.BlobType);
        Assert.Equal(0u, challenge.ConnectFlags);
        Assert.Equal(wire, PduTestKit.Reencode(challenge));
    }

    [Fact]
    public void BuildsTheSpecSample()
    {
        var built = new ServerPlatformChallenge(
            new LicensePreamble(LicensingMessageType.PlatformChallenge, LicensePreamble.DefaultServerFlags, 0),
            null,
            0xFFFFFFFF,
            new LicenseBinaryBlob(0xF750, Convert.FromHexString("463785548ec59134975d")),
            Convert.FromHexString("7894ad3b81da8818560f3ad1f103ef35"));
        Assert.Equal(s_spec, built.ToArray());
        Assert.Throws<ArgumentException>(() => new ServerPlatformChallenge(built.Preamble, null, 0, built.EncryptedPlatformChallenge, new byte[15]));
    }

    [Fact]
    public void AShortMacIsTruncated()
    {
        byte[] wire = [.. s_spec[..^1]];
        wire[2] = 37; // wMsgSize 37: the MAC now lacks a byte
        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.Truncated, "MACData", 22), (error.Kind, error.Field, error.Offset));
    }
}
