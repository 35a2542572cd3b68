using System.Buffers.Binary;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class TerminalServicesSigningKeyTests
{
    public static TheoryData<string> Certificates => new() { "ironrdp", "xrdp" };

    [Fact]
    public void TheBuiltInKeyIsTheVectorKey()
    {
        const string Vector = "tssk_terminal_services_signing_key";

        Assert.Equal(CryptoVectors.Hex(Vector), TerminalServicesSigningKey.PublicKey.ModulusLittleEndian.ToArray());
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(CryptoVectors.Hex(Vector, "public_exponent_le")), TerminalServicesSigningKey.PublicKey.PublicExponent);
        Assert.Equal(512, TerminalServicesSigningKey.PublicKey.KeyBits);
    }

    [Fact]
    public void IronRdpCertificateLayoutMatchesTheVectorFields()
    {
        const string Vector = "ironrdp_proprietary_server_certificate";
        byte[] certificate = CryptoVectors.Hex(Vector);

        LicensingPduLayout.ProprietaryCertificate parsed = LicensingPduLayout.Proprietary(certificate);

        Assert.Equal(certificate.Length, parsed.Length);
        Assert.Equal(CryptoVectors.Hex(Vector, "signed_data"), parsed.SignedData);
        Assert.Equal(CryptoVectors.Hex(Vector, "modulus_le_with_pad"), parsed.ModulusWithPadding);
        Assert.Equal(72, parsed.Signature.Length);
        // The signature blob is the last 72 bytes, after wSignatureBlobType (0x0008) and wSignatureBlobLen (0x0048).
        Assert.Equal(certificate[^72..], parsed.Signature);
        Assert.Equal(new byte[] { 0x08, 0x00, 0x48, 0x00 }, certificate[^76..^72]);
    }

    [Fact]
    public void XrdpCertificateLayoutMatchesTheVectorFields()
    {
        const string Vector = "xrdp_0_9_server_license_request";

        LicensingPduLayout.ProprietaryCertificate parsed = Xrdp();

        Assert.Equal([.. CryptoVectors.Hex(Vector, "rsa_modulus_le"), .. CryptoVectors.Hex(Vector, "rsa_modulus_pad")], parsed.ModulusWithPadding);
        Assert.Equal(65537u, parsed.PublicExponent);
        Assert.Equal(CryptoVectors.Hex(Vector, "signature"), parsed.Signature[..64]);
        Assert.Equal(new byte[8], parsed.Signature[64..]);
        Assert.Equal(CryptoVectors.Hex(Vector, "md5_signed_data"), Md5(parsed.SignedData));
    }

    [Theory]
    [MemberData(nameof(Certificates))]
    public void CertificateSignatureVerifies(string source)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate(source);

        Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(certificate.SignedData, certificate.Signature));
        // Without the wire padding too.
        Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(certificate.SignedData, certificate.Signature.AsSpan(0, 64)));
    }

    [Theory]
    [InlineData("ironrdp_proprietary_server_certificate", "ironrdp")]
    [InlineData("xrdp_0_9_server_license_request", "xrdp")]
    public void DecryptedSignatureIsTheVectorBlock(string vector, string source)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate(source);
        RsaPublicKey key = TerminalServicesSigningKey.PublicKey;
        byte[] decrypted = new byte[64];

        Assert.True(key.TryEncryptRaw(certificate.Signature, decrypted)); // s^e mod n

        Assert.Equal(CryptoVectors.Hex(vector, "tssk_decrypted_signature"), decrypted);
    }

    [Theory]
    [MemberData(nameof(Certificates))]
    public void EverySingleFlippedBitOfTheSignedDataFails(string source)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate(source);
        byte[] signedData = certificate.SignedData;

        for (int bit = 0; bit < signedData.Length * 8; bit++)
        {
            signedData[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(signedData, certificate.Signature), $"bit {bit}");
            signedData[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Theory]
    [MemberData(nameof(Certificates))]
    public void EverySingleFlippedBitOfTheSignatureFails(string source)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate(source);
        byte[] signature = certificate.Signature;

        // All 576 bits: the 512 of the signature and the 64 of its zero padding.
        for (int bit = 0; bit < signature.Length * 8; bit++)
        {
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(certificate.SignedData, signature), $"bit {bit}");
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(73)] // one more zero byte than the wire padding
    [InlineData(200)]
    public void SignaturesOfOtherLengthsFail(int length)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate("ironrdp");
        byte[] signature = new byte[length];
        certificate.Signature.AsSpan(0, Math.Min(length, certificate.Signature.Length)).CopyTo(signature);

        Assert.False(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(certificate.SignedData, signature));
    }

    [Fact]
    public void AnAllOnesSignatureAboveTheModulusFails()
    {
        Assert.False(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(
            Certificate("xrdp").SignedData, Enumerable.Repeat((byte)0xFF, 72).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Certificates))]
    public void SignReproducesTheServersSignature(string source)
    {
        LicensingPduLayout.ProprietaryCertificate certificate = Certificate(source);

        // Textbook RSA is deterministic, so the emulated server produces the very bytes the real one sent.
        Assert.Equal(certificate.Signature, TerminalServicesSigningKey.Sign(certificate.SignedData, 72));
        Assert.Equal(certificate.Signature[..64], TerminalServicesSigningKey.Sign(certificate.SignedData, 64));
    }

    [Fact]
    public void SignedEmulatorCertificateVerifies()
    {
        byte[] signedData = Certificate("xrdp").SignedData;
        EmulatorKeys.Rsa512.PublicKey.ModulusLittleEndian.Span.CopyTo(signedData.AsSpan(36)); // another server key

        byte[] signature = TerminalServicesSigningKey.Sign(signedData, 72);

        Assert.True(TerminalServicesSigningKey.VerifyProprietaryCertificateSignature(signedData, signature));
        Assert.Throws<ArgumentOutOfRangeException>(() => TerminalServicesSigningKey.Sign(signedData, 63));
    }

    private static byte[] Md5(byte[] data)
    {
        var md5 = new Org.BouncyCastle.Crypto.Digests.MD5Digest();
        md5.BlockUpdate(data);
        byte[] hash = new byte[16];
        md5.DoFinal(hash);
        return hash;
    }

    private static LicensingPduLayout.ProprietaryCertificate Certificate(string source) => source switch
    {
        "ironrdp" => LicensingPduLayout.Proprietary(CryptoVectors.Hex("ironrdp_proprietary_server_certificate")),
        "xrdp" => Xrdp(),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    private static LicensingPduLayout.ProprietaryCertificate Xrdp()
    {
        byte[] pdu = CryptoVectors.Hex("xrdp_0_9_server_license_request");
        byte[] blob = LicensingPduLayout.ServerCertificate(pdu, withSecurityHeader: true);
        LicensingPduLayout.ProprietaryCertificate certificate = LicensingPduLayout.Proprietary(blob);
        Assert.Equal(blob.Length, certificate.Length);
        return certificate;
    }
}
