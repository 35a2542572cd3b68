using CsCheck;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using Xunit;

namespace TsThinLic.Tests.Crypto;

/// <summary>
/// Never-throw properties: every public entry point, fed random bytes of any length where it takes wire data (and
/// random contents at the right length where a length is a precondition), returns a result instead of throwing.
/// </summary>
public class CryptoPropertyTests
{
    private const int Iterations = 2000;

    private static readonly Gen<byte[]> s_bytes = Gen.Byte.Array[0, 600];

    [Fact]
    public void DeriveNeverThrowsOnValidLengths()
    {
        Gen.Select(Gen.Byte.Array[48], Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample(t =>
        {
            LicensingSessionKeys keys = LicensingSessionKeys.Derive(t.Item1, t.Item2, t.Item3);
            Assert.Equal(16, keys.MacSaltKey.Length);
        }, iter: Iterations);
    }

    [Fact]
    public void Rc4RoundTripsAnyKeyAndInput()
    {
        Gen.Select(Gen.Byte.Array[1, 256], s_bytes).Sample(t =>
        {
            byte[] cipher = new byte[t.Item2.Length];
            Rc4.Transform(t.Item1, t.Item2, cipher);
            Rc4.Transform(t.Item1, cipher, cipher);
            Assert.Equal(t.Item2, cipher);
        }, iter: Iterations);
    }

    [Fact]
    public void MacVerifyNeverThrowsAndAcceptsOnlyTheComputedMac()
    {
        Gen.Select(s_bytes, s_bytes, s_bytes).Sample(t =>
        {
            byte[] mac = new byte[LicensingMac.Length];
            LicensingMac.Compute(t.Item1, t.Item2, mac);
            Assert.True(LicensingMac.Verify(t.Item1, t.Item2, mac));
            Assert.Equal(t.Item3.AsSpan().SequenceEqual(mac), LicensingMac.Verify(t.Item1, t.Item2, t.Item3));
        }, iter: Iterations);
    }

    [Fact]
    public void RsaKeyFactoriesNeverThrowOnWireData()
    {
        Gen.Select(s_bytes, Gen.UInt, s_bytes, Gen.Byte.Array[0, 12]).Sample(t =>
        {
            if (RsaPublicKey.TryFromLittleEndian(t.Item1, t.Item2, out RsaPublicKey? key))
            {
                // The declared size is bounded; the significant bits may be fewer (xrdp's "512-bit" key has 511).
                Assert.InRange(key.NominalKeyBits, RsaPublicKey.MinimumKeyBits, RsaPublicKey.MaximumKeyBits);
                Assert.InRange(key.KeyBits, RsaPublicKey.MinimumSignificantBits, key.NominalKeyBits);
                byte[] output = new byte[key.ModulusLength];
                key.TryEncryptRaw(t.Item3, output);
            }

            RsaPublicKey.TryFromBigEndian(t.Item3, t.Item4, out _);
        }, iter: Iterations);
    }

    [Fact]
    public void RsaEncryptionNeverThrowsOnAnyInput()
    {
        RsaPublicKey key = EmulatorKeys.Rsa512.PublicKey;
        Gen.Byte.Array[0, 80].Sample(input =>
        {
            byte[] output = new byte[key.ModulusLength];
            byte[] blob = new byte[key.ModulusLength + 8];
            bool encrypted = key.TryEncryptRaw(input, output);
            Assert.Equal(encrypted, key.TryEncryptPreMasterSecret(input, blob, out int written));
            Assert.Equal(encrypted ? 72 : 0, written);
        }, iter: Iterations);
    }

    [Fact]
    public void RandomPremasterSecretsRoundTripThroughTheEmulatorKey()
    {
        Gen.Byte.Array[48].Sample(preMaster =>
        {
            byte[] recovered = new byte[48];
            Assert.True(EmulatorKeys.Rsa512.TryDecryptPreMasterSecret(EmulatorKeys.Rsa512.PublicKey.EncryptPreMasterSecret(preMaster), recovered));
            Assert.Equal(preMaster, recovered);
        }, iter: 500);
    }

    [Fact]
    public void PremasterDecryptionNeverThrowsOnWireData()
    {
        Gen.Byte.Array[0, 100].Sample(blob =>
        {
            EmulatorKeys.Rsa512.TryDecryptPreMasterSecret(blob, new byte[48]);
        }, iter: Iterations);
    }

    [Fact]
    public void ProprietarySignatureCheckNeverThrowsAndRejectsRandomSignatures()
    {
        Gen.Select(s_bytes, Gen.Byte.Array[0, 100]).Sample(t =>
        {
            Assert.False(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(t.Item1, t.Item2));
        }, iter: Iterations);
    }

    [Fact]
    public void SignThenVerifyHoldsForAnySignedData()
    {
        s_bytes.Sample(data =>
        {
            Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(data, TerminalServicesSigningKey.Sign(data, 72)));
        }, iter: 500);
    }

    [Fact]
    public void ChainReaderNeverThrowsOnRandomChains()
    {
        s_bytes.List[0, 4].Sample(blobs =>
        {
            var chain = blobs.Select(b => (ReadOnlyMemory<byte>)b).ToList();
            CertificateCheck check = X509ChainReader.TryGetLeafPublicKey(chain, out RsaPublicKey? key, out string? detail);
            Assert.Equal(check == CertificateCheck.Valid, key is not null);
            Assert.Equal(check == CertificateCheck.Valid, detail is null);
            Assert.False(X509ChainReader.VerifyChainSignatures(chain) && chain.Count == 0);
        }, iter: Iterations);
    }

    [Fact]
    public void ChainReaderNeverThrowsOnDerShapedNoise()
    {
        // Random bytes rarely get past the first tag; start from a real SEQUENCE header so the walk goes deeper.
        Gen.Byte.Array[0, 400].Sample(body =>
        {
            byte[] der = [0x30, 0x82, (byte)(body.Length >> 8), (byte)body.Length, .. body];
            X509ChainReader.TryGetLeafPublicKey([der], out _, out _);
            X509ChainReader.VerifyChainSignatures([der]);
        }, iter: Iterations);
    }
}
