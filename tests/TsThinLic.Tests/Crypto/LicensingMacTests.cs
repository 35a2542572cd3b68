using TsThinLic.Crypto;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class LicensingMacTests
{
    [Fact]
    public void ComputesTheIronRdpMacData()
    {
        const string Vector = "ironrdp_mac_data";
        byte[] mac = new byte[LicensingMac.Length];

        LicensingMac.Compute(CryptoVectors.Hex(Vector, "mac_salt_key"), CryptoVectors.Hex(Vector, "data"), mac);

        Assert.Equal(CryptoVectors.Hex(Vector), mac);
        Assert.True(LicensingMac.Verify(CryptoVectors.Hex(Vector, "mac_salt_key"), CryptoVectors.Hex(Vector, "data"), mac));
    }

    [Fact]
    public void PlatformChallengeDecryptsAndItsMacVerifies()
    {
        const string Vector = "ironrdp_platform_challenge_decrypt";
        byte[] encrypted = CryptoVectors.Hex(Vector);
        byte[] decrypted = new byte[encrypted.Length];
        Rc4.Transform(CryptoVectors.Hex(Vector, "licensing_encryption_key"), encrypted, decrypted);

        Assert.True(LicensingMac.Verify(CryptoVectors.Hex(Vector, "mac_salt_key"), decrypted, CryptoVectors.Hex(Vector, "server_mac")));
    }

    [Fact]
    public void AnySingleFlippedBitFailsThePlatformChallengeMac()
    {
        const string Vector = "ironrdp_platform_challenge_decrypt";
        byte[] salt = CryptoVectors.Hex(Vector, "mac_salt_key");
        byte[] data = CryptoVectors.Hex(Vector, "decrypted_platform_challenge");
        byte[] mac = CryptoVectors.Hex(Vector, "server_mac");

        foreach (byte[] target in new[] { salt, data, mac })
        {
            for (int bit = 0; bit < target.Length * 8; bit++)
            {
                target[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(LicensingMac.Verify(salt, data, mac));
                target[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        Assert.True(LicensingMac.Verify(salt, data, mac));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void AMacOfTheWrongLengthDoesNotVerify(int length)
    {
        Assert.False(LicensingMac.Verify(new byte[16], "data"u8, new byte[length]));
    }

    [Fact]
    public void RejectsAShortDestination()
    {
        Assert.Throws<ArgumentException>(() => LicensingMac.Compute(new byte[16], "data"u8, new byte[15]));
    }
}
