using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Security;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class EmulatorKeysTests
{
    [Fact]
    public void KeysHaveTheirAdvertisedSizes()
    {
        Assert.Equal(512, EmulatorKeys.Rsa512.PublicKey.KeyBits);
        Assert.Equal(2048, EmulatorKeys.Rsa2048.PublicKey.KeyBits);
        Assert.Same(EmulatorKeys.Rsa2048, EmulatorKeys.Proprietary2048);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ProprietaryCertificateVerifiesAndCarriesTheKey(bool issuedPermanently)
    {
        RsaPrivateKey key = EmulatorKeys.Proprietary2048;

        ProprietaryServerCertificate certificate = EmulatorKeys.CreateProprietaryCertificate(key, issuedPermanently);

        Assert.Equal(issuedPermanently, certificate.IssuedPermanently);
        Assert.Equal(72, certificate.Signature.Length);
        Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(certificate.SignedData.Span, certificate.Signature.Span));
        Assert.True(RsaPublicKey.TryFromLittleEndian(certificate.PublicKey.Modulus.Span, certificate.PublicKey.PublicExponent, out RsaPublicKey? publicKey));
        Assert.Equal(key.PublicKey.GetModulusBigEndian(), publicKey!.GetModulusBigEndian());
        Assert.Equal(key.ModulusLength + 8, certificate.PublicKey.Modulus.Length);
    }

    [Fact]
    public void EmulatorCertificateDecodesAndVerifiesLikeAServersOne()
    {
        ProprietaryServerCertificate certificate = EmulatorKeys.CreateProprietaryCertificate(EmulatorKeys.Rsa512);
        byte[] encoded = Encode(certificate);
        LicensingPduLayout.ProprietaryCertificate layout = LicensingPduLayout.Proprietary(encoded);

        Assert.Equal(encoded.Length, layout.Length);
        Assert.Equal(certificate.SignedData.ToArray(), layout.SignedData);
        Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(layout.SignedData, layout.Signature));
    }

    private static byte[] Encode(ServerCertificate certificate)
    {
        byte[] encoded = new byte[certificate.GetEncodedLength()];
        Assert.True(certificate.TryEncode(encoded, out int written));
        Assert.Equal(encoded.Length, written);
        return encoded;
    }
}
