using System.Buffers.Binary;
using TsThinLic.Crypto;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class Rc4Tests
{
    [Fact]
    public void FreeRdpChallengeDecryptsWithTheDerivedKey()
    {
        const string Vector = "freerdp_cunit_key_derivation_rsa_rc4";
        byte[] encrypted = CryptoVectors.Hex(Vector, "encrypted_platform_challenge");
        byte[] decrypted = new byte[encrypted.Length];

        Rc4.Transform(CryptoVectors.Hex(Vector, "licensing_encryption_key"), encrypted, decrypted);

        Assert.Equal(CryptoVectors.Hex(Vector, "decrypted_platform_challenge"), decrypted);
    }

    [Fact]
    public void IronRdpChallengeDecryptsToTest()
    {
        const string Vector = "ironrdp_platform_challenge_decrypt";
        byte[] encrypted = CryptoVectors.Hex(Vector);
        byte[] decrypted = new byte[encrypted.Length];

        Rc4.Transform(CryptoVectors.Hex(Vector, "licensing_encryption_key"), encrypted, decrypted);

        Assert.Equal(CryptoVectors.Hex(Vector, "decrypted_platform_challenge"), decrypted);
        Assert.Equal("TEST\0", System.Text.Encoding.Unicode.GetString(decrypted));
    }

    [Fact]
    public void RedemptionZeroKeyCiphertextIsTheSpecPlaintextUnderSixteenZeroBytes()
    {
        byte[] plaintext = CryptoVectors.Hex("spec_4_6_new_license_info_decrypted");
        byte[] key = CryptoVectors.Hex("redemption_4_6_zero_key_ciphertext", "rc4_key");
        byte[] ciphertext = new byte[plaintext.Length];

        Assert.Equal(new byte[16], key);
        Rc4.Transform(key, plaintext, ciphertext);

        Assert.Equal(CryptoVectors.Hex("redemption_4_6_zero_key_ciphertext"), ciphertext);
    }

    [Fact]
    public void RealNewLicenseDecryptsToANewLicenseInfo()
    {
        const string Vector = "ironrdp_real_new_license_encrypted";
        byte[] encrypted = CryptoVectors.Hex(Vector);
        byte[] plaintext = new byte[encrypted.Length];

        Rc4.Transform(CryptoVectors.Hex(Vector, "licensing_encryption_key"), encrypted, plaintext);

        // [MS-RDPELE 2.2.2.6.1] NEW_LICENSE_INFO: dwVersion, cbScope, pbScope, cbCompanyName, pbCompanyName,
        // cbProductId, pbProductId, cbLicenseInfo, pbLicenseInfo; the lengths must add up to the whole plaintext.
        Assert.Equal(0x000A0001u, BinaryPrimitives.ReadUInt32LittleEndian(plaintext)); // dwVersion
        int offset = 4;
        var fields = new List<byte[]>();
        for (int field = 0; field < 4; field++)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(plaintext.AsSpan(offset));
            Assert.InRange(length, 1, plaintext.Length - offset - 4);
            fields.Add(plaintext.AsSpan(offset + 4, length).ToArray());
            offset += 4 + length;
        }

        Assert.Equal(plaintext.Length, offset);
        Assert.Equal("microsoft.com\0"u8.ToArray(), fields[0]); // pbScope, ANSI
        Assert.Equal("Microsoft Corporation\0", System.Text.Encoding.Unicode.GetString(fields[1])); // pbCompanyName
        Assert.Equal("A02\0", System.Text.Encoding.Unicode.GetString(fields[2])); // pbProductId
        Assert.Equal(new byte[] { 0x30, 0x82 }, fields[3][..2]); // pbLicenseInfo: a DER SEQUENCE (PKCS#7 SignedData)
        Assert.True(LicensingMac.Verify(CryptoVectors.Hex(Vector, "mac_salt_key"), plaintext, CryptoVectors.Hex(Vector, "mac")));
    }

    [Fact]
    public void EncryptingTwiceRoundTripsBecauseEachCallStartsAFreshKeyStream()
    {
        byte[] key = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        byte[] plaintext = "licensing"u8.ToArray();
        byte[] first = new byte[plaintext.Length];
        byte[] second = new byte[plaintext.Length];

        Rc4.Transform(key, plaintext, first);
        Rc4.Transform(key, plaintext, second);
        Assert.Equal(first, second); // a key stream carried over between calls would differ here
        Assert.NotEqual(plaintext, first);

        Rc4.Transform(key, second, second); // in place
        Assert.Equal(plaintext, second);
    }

    [Fact]
    public void RejectsAnEmptyKeyAndAMismatchedOutput()
    {
        Assert.Throws<ArgumentException>(() => Rc4.Transform([], new byte[4], new byte[4]));
        Assert.Throws<ArgumentException>(() => Rc4.Transform(new byte[257], new byte[4], new byte[4]));
        Assert.Throws<ArgumentException>(() => Rc4.Transform(new byte[16], new byte[4], new byte[3]));
    }
}
