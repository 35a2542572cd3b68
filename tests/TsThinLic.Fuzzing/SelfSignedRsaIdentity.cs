using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace TsThinLic.Fuzzing;

/// <summary>
/// A deterministic self-signed RSA-2048 server identity for BouncyCastle's TLS server, the peer no one here wrote (the
/// fuzz seeds and the TLS client's tests): the same seed gives the same key and certificate.
/// </summary>
public static class SelfSignedRsaIdentity
{
    public static (AsymmetricCipherKeyPair Key, byte[] Certificate) Create(long seed, string commonName, long serialNumber, DateTime notBefore, DateTime notAfter)
    {
        var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
        random.SetSeed(seed);
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, 2048, 80));
        AsymmetricCipherKeyPair key = generator.GenerateKeyPair();

        var name = new X509Name("CN=" + commonName);
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(BigInteger.ValueOf(serialNumber));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(notBefore);
        builder.SetNotAfter(notAfter);
        builder.SetPublicKey(key.Public);
        return (key, builder.Generate(new Asn1SignatureFactory("SHA256WithRSA", key.Private, random)).GetEncoded());
    }
}
