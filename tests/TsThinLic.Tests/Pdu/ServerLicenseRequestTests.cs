using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ServerLicenseRequestTests
{
    private static readonly LicensePreamble s_preamble = new(LicensingMessageType.LicenseRequest, LicensePreamble.DefaultServerFlags, 0);

    [Fact]
    public void DecodesTheSpecSampleWithItsX509Chain()
    {
        // [MS-RDPELE 4.1]: 01 03 9808 | ServerRandom 84ef...3f61 | dwVersion 00000600, cbCompanyName 2c "Microsoft
        // Corporation\0", cbProductId 08 "A02\0" | KeyExchangeList 0d00 0400 01000000 | ServerCertificate 0300 1208
        // (dwVersion 02000080, NumCertBlobs 2, cbCert 0x2f5, cbCert 0x4fd, 16 bytes padding) | ScopeCount 1,
        // 0e00 0e00 "microsoft.com\0".
        var request = PduTestKit.Decode<ServerLicenseRequest>("spec_4_1_server_license_request");
        Assert.Null(request.SecurityHeader);
        Assert.Equal(new LicensePreamble(LicensingMessageType.LicenseRequest, 0x03, 2200), request.Preamble);
        Assert.Equal(0x00060000u, request.ProductInfo.Version);
        Assert.Equal("Microsoft Corporation", request.ProductInfo.CompanyName);
        Assert.Equal("A02", request.ProductInfo.ProductId);
        Assert.Equal(44, request.ProductInfo.CompanyNameBytes.Length);
        Assert.Equal([1u], request.KeyExchangeAlgorithms);
        Assert.Equal((ushort)BinaryBlobType.KeyExchangeAlgorithm, request.KeyExchangeList.BlobType);
        Assert.Equal((ushort)BinaryBlobType.Certificate, request.CertificateBlob.BlobType);
        Assert.Equal(2066, request.CertificateBlob.Data.Length);

        var chain = Assert.IsType<X509CertificateChain>(request.Certificate);
        Assert.Equal(ServerCertificateType.X509, chain.Type);
        Assert.True(chain.IssuedPermanently);
        Assert.Equal([757, 1277], chain.Certificates.Select(c => c.Length));
        Assert.Equal(16, chain.PaddingLength);
        Assert.All(chain.Certificates, c => Assert.Equal(0x30, c.Span[0]));

        Assert.Equal(["microsoft.com"], request.Scopes);
        Assert.Equal((ushort)BinaryBlobType.Scope, request.ScopeBlobs[0].BlobType);
    }

    [Fact]
    public void IronRdpCopyOfTheSpecSampleHasTheSameBodyAndItsWMsgSizeIsNotEmitted()
    {
        var ironrdp = PduTestKit.Decode<ServerLicenseRequest>("ironrdp_server_license_request_x509");
        Assert.Equal(new SecurityHeader(SecurityHeader.SecLicensePkt, 0), ironrdp.SecurityHeader);
        Assert.Equal(0x089c, ironrdp.Preamble.MessageSize);
        Assert.True(ironrdp.MessageSizeIncludesSecurityHeader);

        // Without its security header it re-encodes to the spec's own bytes, wMsgSize 0x0898 included.
        Assert.Equal(Vectors.Hex("spec_4_1_server_license_request"), ironrdp.ToArray(withSecurityHeader: false));
    }

    [Fact]
    public void AnEmptyCertificateBlobMeansNoCertificate()
    {
        var request = PduTestKit.Decode<ServerLicenseRequest>("ironrdp_server_license_request_no_cert");
        Assert.Null(request.Certificate);
        Assert.True(request.CertificateBlob.IsEmpty);
        Assert.Equal((ushort)BinaryBlobType.Certificate, request.CertificateBlob.BlobType);
        Assert.Equal(["microsoft.com"], request.Scopes);
        Assert.Equal(138 - 4, request.GetEncodedLength());
    }

    [Fact]
    public void DecodesTheXrdpRequestWithItsProprietaryCertificate()
    {
        var request = PduTestKit.Decode<ServerLicenseRequest>("xrdp_0_9_server_license_request");
        Assert.Equal(new SecurityHeader(0x0080, 0x013e), request.SecurityHeader);
        Assert.Equal(LicensePreamble.PreambleVersion2, request.Preamble.Version);
        Assert.Equal("236", request.ProductInfo.ProductId);

        var certificate = Assert.IsType<ProprietaryServerCertificate>(request.Certificate);
        Assert.False(certificate.IssuedPermanently);
        Assert.Equal(ProprietaryServerCertificate.SignatureAlgorithmRsa, certificate.SignatureAlgorithmId);
        Assert.Equal(ProprietaryServerCertificate.KeyExchangeAlgorithmRsa, certificate.KeyAlgorithmId);
        Assert.Equal(RsaPublicKeyBlob.MagicRsa1, certificate.PublicKey.Magic);
        Assert.Equal(72u, certificate.PublicKey.KeyLength);
        Assert.Equal(512u, certificate.PublicKey.BitLength);
        Assert.Equal(63u, certificate.PublicKey.DataLength);
        Assert.Equal(65537u, certificate.PublicKey.PublicExponent);
        Assert.Same(certificate.PublicKey, certificate.PublicKeyBlob);

        // SignedData: dwVersion through the end of PublicKeyBlob, i.e. the certificate blob up to wSignatureBlobType.
        byte[] blob = request.CertificateBlob.Data.ToArray();
        Assert.Equal(blob[..(16 + 92)], certificate.SignedData.ToArray());
        Assert.Equal(blob, certificate.ToArray());
    }

    [Fact]
    public void BuildsTheSpecSampleFromItsParts()
    {
        var spec = PduTestKit.Decode<ServerLicenseRequest>("spec_4_1_server_license_request");
        var chain = (X509CertificateChain)spec.Certificate!;
        var built = new ServerLicenseRequest(
            s_preamble,
            null,
            spec.ServerRandom.ToArray(),
            new ProductInfo(0x00060000, "Microsoft Corporation", "A02"),
            [ClientNewLicenseRequest.KeyExchangeAlgorithmRsa],
            new X509CertificateChain([.. chain.Certificates.Select(c => c.ToArray())], issuedPermanently: true),
            ["microsoft.com"]);

        Assert.Equal(Vectors.Hex("spec_4_1_server_license_request"), built.ToArray());
        Assert.Equal(2200, built.Preamble.MessageSize);
        Assert.False(built.MessageSizeIncludesSecurityHeader);
    }

    [Fact]
    public void BuildsTheXrdpRequestFromItsParts()
    {
        string v = "xrdp_0_9_server_license_request";
        var certificate = new ProprietaryServerCertificate(
            RsaPublicKeyBlob.FromModulus(Vectors.Hex(v, "rsa_modulus_le"), 65537),
            (byte[])[.. Vectors.Hex(v, "signature"), .. new byte[8]]);
        var built = new ServerLicenseRequest(
            new LicensePreamble(LicensingMessageType.LicenseRequest, LicensePreamble.PreambleVersion2, 0),
            new SecurityHeader(0x0080, 0x013e),
            Vectors.Hex(v, "server_random"),
            new ProductInfo(0x00040000, "Microsoft Corporation", "236"),
            [1u],
            certificate,
            ["microsoft.com"]);

        Assert.Equal(Vectors.Hex(v), built.ToArray(withSecurityHeader: true));
    }

    [Fact]
    public void RejectsArgumentsThatCannotBeEncoded()
    {
        var product = new ProductInfo(1, "c", "p");
        Assert.Throws<ArgumentException>(() => new ServerLicenseRequest(s_preamble, null, new byte[31], product, [1u], null, []));
        Assert.Throws<ArgumentException>(() => new ServerLicenseRequest(new LicensePreamble(LicensingMessageType.PlatformChallenge, 3, 0), null, new byte[32], product, [1u], null, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerLicenseRequest(s_preamble, null, new byte[32], product, [1u], null, [.. Enumerable.Repeat("s", LicensingLimits.MaxScopeCount + 1)]));
        Assert.Throws<ArgumentException>(() => new ServerLicenseRequest(s_preamble, null, new byte[32], product, [1u], null, ["bad\0scope"]));
        Assert.Throws<ArgumentException>(() => new ServerLicenseRequest(s_preamble, null, new byte[32], product, [1u], null, [.. Enumerable.Repeat(new string('s', 2000), 40)]));
    }

    [Theory]
    [InlineData(0, "ScopeCount", DecodeErrorKind.LengthOutOfRange)] // 0xFFFFFFFF scopes
    [InlineData(1, "wBlobLen", DecodeErrorKind.InvalidValue)] // KeyExchangeList of 3 bytes
    [InlineData(2, "cbCompanyName", DecodeErrorKind.InvalidValue)] // odd UTF-16 length
    [InlineData(3, "dwVersion", DecodeErrorKind.InvalidValue)] // certChainVersion 3
    public void NamesTheBadFieldAndItsOffset(int mutation, string field, DecodeErrorKind kind)
    {
        byte[] wire = Vectors.Hex("ironrdp_server_license_request_no_cert");
        // 80000000 | 01 03 8a00 | ServerRandom (32) @8 | dwVersion @40, cbCompanyName @44 (0x2c), company @48,
        // cbProductId @92, product @96 | KeyExchangeList @104: 0d00 0400 01000000 | ServerCertificate @112: 0300 0000 |
        // ScopeCount @116.
        int offset;
        switch (mutation)
        {
            case 0:
                offset = 116;
                wire[offset] = wire[offset + 1] = wire[offset + 2] = wire[offset + 3] = 0xFF;
                break;
            case 1:
                offset = 106;
                wire[offset] = 3;
                break;
            case 2:
                offset = 44;
                wire[offset] = 0x2b;
                break;
            default:
                // Put a 4-byte certificate (dwVersion 3) in the blob by taking 4 bytes from the scope list.
                wire = [.. wire[..112], 0x03, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00, .. wire[116..]];
                wire[6] += 4;
                offset = 116;
                break;
        }

        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((kind, field, offset), (error.Kind, error.Field, error.Offset));
    }
}
