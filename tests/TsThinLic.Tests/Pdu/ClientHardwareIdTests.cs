using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ClientHardwareIdTests
{
    // [MS-RDPELE 4.5], decrypted EncryptedHWID.
    private static readonly byte[] s_spec = Convert.FromHexString(
        "02000000" // PlatformId 0x00000002
        + "f159873e" // Data1 0x3e8759f1
        + "c9d898af" // Data2 0xaf98d8c9
        + "2402f8f3" // Data3 0xf3f80224
        + "293af026"); // Data4 0x26f03a29

    [Fact]
    public void TheAnnotatedBytesAreTheFixture()
        => Assert.Equal(Vectors.Hex("spec_4_5_client_platform_challenge_response", "decrypted_hwid_per_spec"), s_spec);

    [Fact]
    public void DecodesTheSpecSample()
    {
        Assert.True(ClientHardwareId.TryDecode(s_spec, out ClientHardwareId hwid, out _));
        Assert.Equal(2u, hwid.PlatformId);
        Assert.Equal(
            [0x3e8759f1u, 0xaf98d8c9u, 0xf3f80224u, 0x26f03a29u],
            new[] { hwid.Data1, hwid.Data2, hwid.Data3, hwid.Data4 });
        Assert.Equal(s_spec[4..], hwid.Data.ToArray());
        Assert.Equal(s_spec, hwid.ToArray());
        Assert.Equal("02000000f159873ec9d898af2402f8f3293af026", hwid.ToString());
        Assert.Equal(Vectors.Text("cal_decode_spec_rodent", "hwid_decoded"), hwid.ToString());
    }

    [Fact]
    public void EqualsByValue()
    {
        var a = new ClientHardwareId(2, 0x3e8759f1, 0xaf98d8c9, 0xf3f80224, 0x26f03a29);
        var b = new ClientHardwareId(2, s_spec.AsSpan(4));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new ClientHardwareId(3, s_spec.AsSpan(4)));
        Assert.Equal(new byte[16], default(ClientHardwareId).Data.ToArray());
    }

    [Fact]
    public void RejectsOtherLengths()
    {
        Assert.False(ClientHardwareId.TryDecode(s_spec[..19], out _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.Truncated, error.Kind);
        Assert.False(ClientHardwareId.TryDecode([.. s_spec, 0], out _, out error));
        Assert.Equal((DecodeErrorKind.TrailingData, 20), (error.Kind, error.Offset));
        Assert.Throws<ArgumentException>(() => new ClientHardwareId(1, new byte[15]));
        Assert.False(new ClientHardwareId(1, new byte[16]).TryEncode(new byte[19], out _));
    }
}
