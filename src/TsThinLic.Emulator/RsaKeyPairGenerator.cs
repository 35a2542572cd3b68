using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Security;
using BcRsaKeyPairGenerator = Org.BouncyCastle.Crypto.Generators.RsaKeyPairGenerator;

namespace TsThinLic.Emulator;

/// <summary>
/// [MS-RDPELE 5.1.4] Generates RSA key pairs for the emulated license server from an injected byte source, so a
/// test can make the same key twice. Not for protecting anything: prefer <see cref="EmulatorKeys"/> unless a fresh
/// key is the point.
/// </summary>
internal static class RsaKeyPairGenerator
{
    /// <summary>A key pair of <paramref name="bits"/> bits, e = 65537; <paramref name="randomBytes"/>(n) returns n bytes.</summary>
    public static RsaPrivateKey Generate(int bits, Func<int, byte[]> randomBytes)
    {
        ArgumentNullException.ThrowIfNull(randomBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, RsaPublicKey.MinimumKeyBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, RsaPublicKey.MaximumKeyBits);

        var generator = new BcRsaKeyPairGenerator();
        var random = new SecureRandom(new InjectedRandomGenerator(randomBytes));
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, bits, certainty: 100));
        var key = (RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private;
        return RsaPrivateKey.Create(key.Modulus, key.PublicExponent, key.Exponent);
    }

    private sealed class InjectedRandomGenerator(Func<int, byte[]> randomBytes) : IRandomGenerator
    {
        public void AddSeedMaterial(byte[] seed)
        {
        }

        public void AddSeedMaterial(ReadOnlySpan<byte> seed)
        {
        }

        public void AddSeedMaterial(long seed)
        {
        }

        public void NextBytes(byte[] bytes) => NextBytes(bytes.AsSpan());

        public void NextBytes(byte[] bytes, int start, int len) => NextBytes(bytes.AsSpan(start, len));

        public void NextBytes(Span<byte> bytes)
        {
            byte[] source = randomBytes(bytes.Length);
            if (source.Length < bytes.Length)
            {
                throw new InvalidOperationException("The random source returned fewer bytes than asked for.");
            }

            source.AsSpan(0, bytes.Length).CopyTo(bytes);
        }
    }
}
