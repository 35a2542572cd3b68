using Org.BouncyCastle.Crypto.Prng;
using TsThinLic.Licensing;

namespace TsThinLic.Crypto;

/// <summary>
/// Feeds BouncyCastle (its TLS client, key generation) from an <see cref="IRandomSource"/>. BouncyCastle's own default
/// generator reads .NET's RandomNumberGenerator, which on Linux needs OpenSSL; this one does not, and tests can make
/// it deterministic. Use as <c>new SecureRandom(new RandomSourceGenerator(source))</c>.
/// </summary>
internal sealed class RandomSourceGenerator(IRandomSource source) : IRandomGenerator
{
    private readonly IRandomSource _source = source ?? throw new ArgumentNullException(nameof(source));

    // Seed material is ignored: the operating system's generator needs none, and a test source must stay as scripted.
    public void AddSeedMaterial(byte[] seed)
    {
    }

    public void AddSeedMaterial(ReadOnlySpan<byte> seed)
    {
    }

    public void AddSeedMaterial(long seed)
    {
    }

    public void NextBytes(byte[] bytes) => _source.GetBytes(bytes);

    public void NextBytes(byte[] bytes, int start, int len) => _source.GetBytes(bytes.AsSpan(start, len));

    public void NextBytes(Span<byte> bytes) => _source.GetBytes(bytes);
}
