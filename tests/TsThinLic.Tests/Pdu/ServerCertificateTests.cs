using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ServerCertificateTests
{
    private const string IronRdp = "ironrdp_proprietary_server_certificate";

    [Fact]
    public void DecodesTheIronRdpProprietaryCertificate()
    {
        // dwVersion 01000000 | dwSigAlgId 01000000 | dwKeyAlgId 01000000 | wPublicKeyBlobType 0600, wPublicKeyBlobLen 5c00 |
        // RSA1: magic 52534131, keylen 48000000, bitlen 00020000, datalen 3f000000, pubExp 01000100, modulus (72) |
        // wSignatureBlobType 0800, wSignatureBlobLen 4800, SignatureBlob (72).
        byte[] wire = Vectors.Hex(IronRdp);
        Assert.True(ServerCertificate.TryDecode(wire, out ServerCertificate? decoded, out DecodeError error), error.ToString());
        var certificate = Assert.IsType<ProprietaryServerCertificate>(decoded);

        Assert.Equal(ServerCertificateType.Proprietary, certificate.Type);
        Assert.Equal(1u, certificate.Version);
        Assert.False(certificate.IssuedPermanently);
        Assert.Equal((ushort)BinaryBlobType.RsaKey, certificate.PublicKeyBlobType);
        Assert.Equal((ushort)BinaryBlobType.RsaSignature, certificate.SignatureBlobType);
        Assert.Equal(Vectors.Hex(IronRdp, "modulus_le_with_pad"), certificate.PublicKey.Modulus.ToArray());
        Assert.Equal(Vectors.Number(IronRdp, "exponent"), certificate.PublicKey.PublicExponent);
        Assert.Equal(Vectors.Hex(IronRdp, "signed_data"), certificate.SignedData.ToArray());
        Assert.Equal(72, certificate.Signature.Length);
        Assert.Equal(wire, certificate.ToArray());
        Assert.Equal(wire.Length, certificate.GetEncodedLength());
    }

    [Fact]
    public void DecodesTheSpecChainFromTheGccSecurityData()
    {
        byte[] blob = PduTestKit.Decode<ServerLicenseRequest>("spec_4_1_server_license_request").CertificateBlob.Data.ToArray();
        Assert.True(ServerCertificate.TryDecode(blob, out ServerCertificate? decoded, out _));
        var chain = Assert.IsType<X509CertificateChain>(decoded);
        Assert.Equal(0x80000002u, chain.Version);
        Assert.Equal(blob, chain.ToArray());
    }

    [Fact]
    public void AChainWithoutPaddingIsKeptWithoutPadding()
    {
        byte[] der = Vectors.Hex("ironrdp_x509_chain_cert1_der");
        var chain = new X509CertificateChain(0x00000002, [der], ReadOnlyMemory<byte>.Empty);
        byte[] wire = chain.ToArray();
        Assert.Equal(4 + 4 + 4 + der.Length, wire.Length);
        Assert.True(ServerCertificate.TryDecode(wire, out ServerCertificate? decoded, out _));
        var again = Assert.IsType<X509CertificateChain>(decoded);
        Assert.False(again.IssuedPermanently);
        Assert.Equal(der, again.Certificates.Single().ToArray());
        Assert.Equal(0, again.PaddingLength);
    }

    [Fact]
    public void TheDefaultChainPaddingIsEightPlusFourPerCertificate()
    {
        var chain = new X509CertificateChain([new byte[] { 0x30, 0x00 }, new byte[] { 0x30, 0x00 }, new byte[] { 0x30, 0x00 }]);
        Assert.Equal(8 + (4 * 3), chain.PaddingLength);
        Assert.True(chain.IssuedPermanently);
    }

    [Theory]
    [InlineData(16, "magic", DecodeErrorKind.InvalidValue, 16)] // RSA1 -> RSA2
    [InlineData(20, "keylen", DecodeErrorKind.LengthOutOfRange, 20)] // keylen 0x49: one more than the blob holds
    [InlineData(14, "wPublicKeyBlobLen", DecodeErrorKind.TrailingData, 108)] // wPublicKeyBlobLen 0x5d: keylen leaves a byte
    [InlineData(110, "wSignatureBlobLen", DecodeErrorKind.LengthOutOfRange, 110)] // 0x49 signature bytes, 0x48 remain
    [InlineData(0, "dwVersion", DecodeErrorKind.InvalidValue, 0)] // certChainVersion 3
    public void NamesTheBadFieldOfAProprietaryCertificate(int offsetToBump, string field, DecodeErrorKind kind, int offset)
    {
        byte[] wire = Vectors.Hex(IronRdp);
        switch (offsetToBump)
        {
            case 16:
                wire[19] = (byte)'2';
                break;
            case 0:
                wire[0] = 3;
                break;
            default:
                wire[offsetToBump]++;
                break;
        }

        Assert.False(ServerCertificate.TryDecode(wire, out ServerCertificate? certificate, out DecodeError error));
        Assert.Null(certificate);
        Assert.Equal((kind, field, offset), (error.Kind, error.Field, error.Offset));
    }

    [Fact]
    public void RejectsBytesAfterTheSignature()
    {
        byte[] wire = [.. Vectors.Hex(IronRdp), 0];
        Assert.False(ServerCertificate.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.TrailingData, "SignatureBlob", 184), (error.Kind, error.Field, error.Offset));
    }

    [Theory]
    [InlineData(0u, DecodeErrorKind.InvalidValue)]
    [InlineData(17u, DecodeErrorKind.LengthOutOfRange)]
    [InlineData(3u, DecodeErrorKind.LengthOutOfRange)] // 3 × 4 bytes do not fit in the 8 that remain
    public void ChecksNumCertBlobsBeforeAllocating(uint count, DecodeErrorKind kind)
    {
        byte[] wire = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(wire, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(wire.AsSpan(4), count);
        Assert.False(ServerCertificate.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((kind, "NumCertBlobs", 4), (error.Kind, error.Field, error.Offset));
    }

    [Fact]
    public void ChecksCbCertAgainstItsMaximum()
    {
        byte[] wire = new byte[12 + LicensingLimits.MaxCertificateLength + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(wire, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(wire.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(wire.AsSpan(8), LicensingLimits.MaxCertificateLength + 1);
        Assert.False(ServerCertificate.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.LengthOutOfRange, "cbCert", 8), (error.Kind, error.Field, error.Offset));
        Assert.Contains("maximum 16384", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsAnOversizeInputBeforeCopyingIt()
    {
        Assert.False(ServerCertificate.TryDecode(new byte[LicensingLimits.MaxServerCertificateLength + 1], out _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.LengthOutOfRange, error.Kind);
    }

    [Fact]
    public void ErrorOffsetsInsideALicenseRequestCountFromThePduStart()
    {
        byte[] wire = Vectors.Hex("xrdp_0_9_server_license_request");
        // Security header (4) + preamble (4) + ServerRandom (32) + ProductInfo (4+4+44+4+8) + KeyExchangeList (8) +
        // ServerCertificate wBlobType/wBlobLen (4) = 116: the certificate's dwVersion; its RSA1 magic is 16 bytes further.
        int magic = 116 + 16;
        Assert.Equal("RSA1"u8.ToArray(), wire[magic..(magic + 4)]);
        wire[magic] = (byte)'X';
        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.InvalidValue, "magic", magic), (error.Kind, error.Field, error.Offset));
    }

    [Fact]
    public void BuildsTheIronRdpCertificateFromItsParts()
    {
        byte[] wire = Vectors.Hex(IronRdp);
        var certificate = new ProprietaryServerCertificate(
            new RsaPublicKeyBlob(RsaPublicKeyBlob.MagicRsa1, 512, 63, 65537, Vectors.Hex(IronRdp, "modulus_le_with_pad")),
            wire[^72..]);
        Assert.Equal(wire, certificate.ToArray());
        Assert.Throws<ArgumentException>(() => new ProprietaryServerCertificate(2, 1, 1, 6, certificate.PublicKey, 8, ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => new X509CertificateChain([]));
    }
}
