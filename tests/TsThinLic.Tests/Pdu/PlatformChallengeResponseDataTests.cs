using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class PlatformChallengeResponseDataTests
{
    // [MS-RDPELE 4.5], decrypted EncryptedPlatformChallengeResponse.
    private static readonly byte[] s_spec = Convert.FromHexString(
        "0001" // wVersion 0x0100
        + "0001" // wClientType WIN32_PLATFORMCHALLENGE_TYPE
        + "0300" // wLicenseDetailLevel LICENSE_DETAIL_DETAIL
        + "0a00" // cbChallenge 10
        + "54004500530054000000"); // pbChallenge "TEST\0" UTF-16LE

    [Fact]
    public void TheAnnotatedBytesAreTheFixture()
        => Assert.Equal(Vectors.Hex("spec_4_5_client_platform_challenge_response", "decrypted_platform_challenge_response_data_per_spec"), s_spec);

    [Fact]
    public void DecodesTheSpecSample()
    {
        Assert.True(PlatformChallengeResponseData.TryDecode(s_spec, out PlatformChallengeResponseData? data, out _));
        Assert.Equal(PlatformChallengeResponseData.CurrentVersion, data.Version);
        Assert.Equal(PlatformChallengeResponseData.ClientTypeWin32, data.ClientType);
        Assert.Equal(PlatformChallengeResponseData.LicenseDetailDetail, data.LicenseDetailLevel);
        Assert.Equal("TEST\0"u8.ToArray().SelectMany(b => new[] { b, (byte)0 }).ToArray(), data.Challenge.ToArray());
        Assert.Equal(s_spec, data.ToArray());
    }

    [Fact]
    public void BuildsTheSpecSample()
    {
        var data = new PlatformChallengeResponseData(
            PlatformChallengeResponseData.CurrentVersion,
            PlatformChallengeResponseData.ClientTypeWin32,
            PlatformChallengeResponseData.LicenseDetailDetail,
            Convert.FromHexString("54004500530054000000"));
        Assert.Equal(s_spec, data.ToArray());
        Assert.False(data.TryEncode(new byte[s_spec.Length - 1], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void RejectsIronRdpsEightLeadingZeroBytes()
    {
        // IronRDP writes 8 zero bytes first: read per spec that is version 0, type 0, level 0, cbChallenge 0 and 18 bytes left over.
        Assert.False(PlatformChallengeResponseData.TryDecode(Vectors.Hex("ironrdp_buggy_platform_challenge_response_data"), out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.TrailingData, "cbChallenge", 8), (error.Kind, error.Field, error.Offset));
    }

    [Fact]
    public void ChecksCbChallengeAgainstWhatRemains()
    {
        byte[] wire = [.. s_spec];
        wire[6] = 11;
        Assert.False(PlatformChallengeResponseData.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.LengthOutOfRange, "cbChallenge", 6), (error.Kind, error.Field, error.Offset));
        Assert.False(PlatformChallengeResponseData.TryDecode(wire[..5], out _, out error));
        Assert.Equal((DecodeErrorKind.Truncated, "wLicenseDetailLevel", 4), (error.Kind, error.Field, error.Offset));
    }
}
