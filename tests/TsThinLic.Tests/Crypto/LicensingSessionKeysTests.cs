using TsThinLic.Crypto;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class LicensingSessionKeysTests
{
    [Theory]
    [InlineData("ironrdp_key_derivation_and_rsa")]
    [InlineData("freerdp_cunit_key_derivation_rsa_rc4")]
    public void DerivesEveryKeyOfTheVector(string vector)
    {
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(
            CryptoVectors.Hex(vector, "premaster_secret"),
            CryptoVectors.Hex(vector, "client_random"),
            CryptoVectors.Hex(vector, "server_random"));

        Assert.Equal(CryptoVectors.Hex(vector, "master_secret"), keys.MasterSecret.ToArray());
        Assert.Equal(CryptoVectors.Hex(vector, "session_key_blob"), keys.SessionKeyBlob.ToArray());
        Assert.Equal(CryptoVectors.Hex(vector, "mac_salt_key"), keys.MacSaltKey.ToArray());
        Assert.Equal(CryptoVectors.Hex(vector, "licensing_encryption_key"), keys.LicensingEncryptionKey.ToArray());
        // The vector's own hex is the licensing encryption key as well.
        Assert.Equal(CryptoVectors.Hex(vector), keys.LicensingEncryptionKey.ToArray());
    }

    [Fact]
    public void SaltedHashOfSaltAIsTheFirstThirdOfTheMasterSecret()
    {
        const string Vector = "ironrdp_key_derivation_and_rsa";
        byte[] hash = new byte[16];

        // MS-RDPELE 5.1.3: PremasterHash("A") = SaltedHash(PremasterSecret, "A", ClientRandom, ServerRandom)
        LicensingSessionKeys.SaltedHash(
            CryptoVectors.Hex(Vector, "premaster_secret"),
            "A"u8,
            CryptoVectors.Hex(Vector, "client_random"),
            CryptoVectors.Hex(Vector, "server_random"),
            hash);

        Assert.Equal(CryptoVectors.Hex(Vector, "salted_hash_A"), hash);
        Assert.Equal(CryptoVectors.Hex(Vector, "master_secret")[..16], hash);
    }

    [Theory]
    [InlineData(47, 32, 32)]
    [InlineData(48, 31, 32)]
    [InlineData(48, 32, 33)]
    [InlineData(0, 0, 0)]
    public void RejectsInputsOfTheWrongLength(int preMasterLength, int clientRandomLength, int serverRandomLength)
    {
        Assert.Throws<ArgumentException>(() => LicensingSessionKeys.Derive(
            new byte[preMasterLength], new byte[clientRandomLength], new byte[serverRandomLength]));
    }

    [Fact]
    public void MacSaltKeyIsTheStartOfTheSessionKeyBlob()
    {
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(new byte[48], new byte[32], new byte[32]);

        Assert.Equal(48, keys.MasterSecret.Length);
        Assert.Equal(48, keys.SessionKeyBlob.Length);
        Assert.Equal(keys.SessionKeyBlob[..16].ToArray(), keys.MacSaltKey.ToArray());
        Assert.Equal(16, keys.LicensingEncryptionKey.Length);
    }
}
