using System.Buffers.Binary;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Rdp.Security;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class RsaPublicKeyTests
{
    [Fact]
    public void IronRdpPremasterEncryptsToTheVectorBlob()
    {
        const string Vector = "ironrdp_key_derivation_and_rsa";
        RsaPublicKey key = RsaPublicKey.FromBigEndian(CryptoVectors.Hex(Vector, "rsa_modulus_be"), [0x01, 0x00, 0x01]);

        byte[] blob = key.EncryptPreMasterSecret(CryptoVectors.Hex(Vector, "premaster_secret"));

        Assert.Equal(512, key.KeyBits);
        Assert.Equal(64, key.ModulusLength);
        Assert.Equal(65537UL, key.PublicExponent);
        Assert.Equal(CryptoVectors.Hex(Vector, "encrypted_premaster_secret_blob"), blob);
    }

    [Fact]
    public void FreeRdpPremasterEncryptsWithTheLittleEndianModulus()
    {
        const string Vector = "freerdp_cunit_key_derivation_rsa_rc4";
        uint exponent = BinaryPrimitives.ReadUInt32LittleEndian(CryptoVectors.Hex(Vector, "rsa_exponent_le"));
        RsaPublicKey key = RsaPublicKey.FromLittleEndian(CryptoVectors.Hex(Vector, "rsa_modulus_le"), exponent);

        byte[] blob = key.EncryptPreMasterSecret(CryptoVectors.Hex(Vector, "premaster_secret"));

        byte[] expected = [.. CryptoVectors.Hex(Vector, "encrypted_premaster_secret_64"), .. new byte[8]];
        Assert.Equal(expected, blob);

        byte[] raw = new byte[key.ModulusLength];
        key.EncryptRaw(CryptoVectors.Hex(Vector, "premaster_secret"), raw);
        Assert.Equal(CryptoVectors.Hex(Vector, "encrypted_premaster_secret_64"), raw);

        byte[] destination = new byte[80];
        Assert.True(key.TryEncryptPreMasterSecret(CryptoVectors.Hex(Vector, "premaster_secret"), destination, out int written));
        Assert.Equal(72, written);
        Assert.Equal(expected, destination[..written]);
    }

    [Fact]
    public void FromLittleEndianStripsTheWirePadding()
    {
        byte[] modulus = CryptoVectors.Hex("ironrdp_proprietary_server_certificate", "modulus_le_with_pad");

        RsaPublicKey key = RsaPublicKey.FromLittleEndian(modulus, 65537);

        Assert.Equal(72, modulus.Length);
        Assert.Equal(64, key.ModulusLength);
        Assert.Equal(modulus[..64], key.ModulusLittleEndian.ToArray());
        Assert.Equal(modulus[..64].Reverse().ToArray(), key.GetModulusBigEndian());
    }

    [Fact]
    public void AnInputNotBelowTheModulusIsAFailureNotAnException()
    {
        RsaPublicKey key = EmulatorKeys.Rsa512.PublicKey;
        byte[] output = new byte[key.ModulusLength];

        Assert.False(key.TryEncryptRaw(key.ModulusLittleEndian.Span, output)); // m = n
        Assert.False(key.TryEncryptRaw(Enumerable.Repeat((byte)0xFF, 64).ToArray(), output)); // m > n
        Assert.False(key.TryEncryptRaw([.. new byte[64], 1], output)); // non-zero byte past the modulus
        Assert.False(key.TryEncryptPreMasterSecret(Enumerable.Repeat((byte)0xFF, 64).ToArray(), new byte[72], out int written));
        Assert.Equal(0, written);
        Assert.Throws<ArgumentException>(() => key.EncryptRaw(Enumerable.Repeat((byte)0xFF, 64).ToArray(), output));

        Assert.True(key.TryEncryptRaw([.. new byte[] { 2 }, .. new byte[71]], output)); // zero padding is fine
    }

    [Fact]
    public void RejectsAnOutputOfTheWrongLength()
    {
        RsaPublicKey key = EmulatorKeys.Rsa512.PublicKey;

        Assert.Throws<ArgumentException>(() => key.EncryptRaw([1], new byte[63]));
        Assert.Throws<ArgumentException>(() => key.EncryptRaw([1], new byte[72]));
    }

    [Theory]
    [InlineData(0, 65537u)] // no modulus
    [InlineData(32, 65537u)] // 256 bits: below the minimum
    [InlineData(64, 1u)] // e = 1 encrypts nothing
    [InlineData(64, 65536u)] // even exponent
    [InlineData(64, 0u)]
    public void TryFromRefusesWhatCannotBeAKey(int modulusLength, uint exponent)
    {
        byte[] modulus = Enumerable.Repeat((byte)0xC3, modulusLength).ToArray();

        Assert.False(RsaPublicKey.TryFromLittleEndian(modulus, exponent, out RsaPublicKey? key));
        Assert.Null(key);
        Assert.Throws<ArgumentException>(() => RsaPublicKey.FromLittleEndian(modulus, exponent));
    }

    [Fact]
    public void XrdpsKeyWith511SignificantBitsIsA512BitKey()
    {
        // xrdp 0.9.21's proprietary certificate: 64-byte modulus whose top byte is 0x70, then 8 bytes of padding.
        byte[] modulus = Convert.FromHexString(
            "01c7c9f78e5a38e429c300952ddd4c3e50450b0d9e2a5d186364c42cf78f29d53fc5352234ffad3ae6e39506ae5582e3c8c7b4a847c85071742953896d9ced70"
            + "0000000000000000");

        Assert.True(RsaPublicKey.TryFromLittleEndian(modulus, 65537, out RsaPublicKey? key));
        Assert.Equal(511, key!.KeyBits);
        Assert.Equal(64, key.ModulusLength);
        Assert.Equal(512, key.NominalKeyBits);
        Assert.Equal(64 + 8, key.EncryptPreMasterSecret(new byte[48]).Length);
    }

    [Fact]
    public void TheCiphertextKeepsTheDeclaredLengthWhenTheModulusTopByteIsSmall()
    {
        // A 64-byte modulus whose top byte is 0x01 (505 significant bits): the blob is still 64 + 8 bytes, never 63 + 8
        // (deriving the length from the bit count emits a short blob, which servers reject).
        byte[] modulus = Enumerable.Repeat((byte)0xC3, 64).ToArray();
        modulus[^1] = 0x01;

        Assert.True(RsaPublicKey.TryFromLittleEndian(modulus, 65537, out RsaPublicKey? key));
        Assert.Equal(505, key!.KeyBits);
        Assert.Equal(64, key.ModulusLength);
        byte[] blob = key.EncryptPreMasterSecret(Enumerable.Repeat((byte)0xFF, 48).ToArray());
        Assert.Equal(72, blob.Length);
        Assert.All(blob[64..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryFromRefusesAnEvenModulusAndAnOversizedExponent()
    {
        byte[] even = Enumerable.Repeat((byte)0xC2, 64).ToArray();
        Assert.False(RsaPublicKey.TryFromLittleEndian(even, 65537, out _));

        byte[] modulus = EmulatorKeys.Rsa512.PublicKey.GetModulusBigEndian();
        Assert.True(RsaPublicKey.TryFromBigEndian(modulus, [0, 0, 1, 0, 1], out RsaPublicKey? key)); // leading zeros are fine
        Assert.Equal(65537UL, key!.PublicExponent);
        Assert.False(RsaPublicKey.TryFromBigEndian(modulus, [1, 0, 0, 0, 0, 0, 0, 0, 1], out _)); // 65-bit exponent
        Assert.False(RsaPublicKey.TryFromBigEndian(new byte[4096], [1, 0, 1], out _));
    }

    public class EmulatorKeyPairs
    {
        public static TheoryData<int> Sizes => new() { 512, 2048 };

        [Theory]
        [MemberData(nameof(Sizes))]
        public void PremasterSecretRoundTrips(int bits)
        {
            RsaPrivateKey key = bits == 512 ? EmulatorKeys.Rsa512 : EmulatorKeys.Rsa2048;
            byte[] preMaster = Enumerable.Range(1, 48).Select(i => (byte)(i * 7)).ToArray();

            byte[] blob = key.PublicKey.EncryptPreMasterSecret(preMaster);
            byte[] recovered = new byte[48];

            Assert.Equal(bits, key.PublicKey.KeyBits);
            Assert.Equal((bits / 8) + 8, blob.Length);
            Assert.True(key.TryDecryptPreMasterSecret(blob, recovered));
            Assert.Equal(preMaster, recovered);

            blob[0] ^= 1;
            Assert.False(key.TryDecryptPreMasterSecret(blob, recovered) && recovered.SequenceEqual(preMaster));
            blob[^1] = 1; // padding must be zero
            Assert.False(key.TryDecryptPreMasterSecret(blob, recovered));
        }

        [Fact]
        public void GeneratorIsDeterministicForAnInjectedSource()
        {
            RsaPrivateKey first = RsaKeyPairGenerator.Generate(512, Counter(seed: 7));
            RsaPrivateKey second = RsaKeyPairGenerator.Generate(512, Counter(seed: 7));
            RsaPrivateKey other = RsaKeyPairGenerator.Generate(512, Counter(seed: 8));

            Assert.Equal(512, first.PublicKey.KeyBits);
            Assert.Equal(first.PublicKey.GetModulusBigEndian(), second.PublicKey.GetModulusBigEndian());
            Assert.NotEqual(first.PublicKey.GetModulusBigEndian(), other.PublicKey.GetModulusBigEndian());

            byte[] preMaster = new byte[48];
            preMaster[0] = 42;
            byte[] recovered = new byte[48];
            Assert.True(first.TryDecryptPreMasterSecret(first.PublicKey.EncryptPreMasterSecret(preMaster), recovered));
            Assert.Equal(preMaster, recovered);
        }

        private static Func<int, byte[]> Counter(int seed)
        {
            var random = new Random(seed);
            return count =>
            {
                byte[] bytes = new byte[count];
                random.NextBytes(bytes);
                return bytes;
            };
        }
    }
}
