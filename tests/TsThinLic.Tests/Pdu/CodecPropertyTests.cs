using System.Buffers.Binary;
using CsCheck;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

/// <summary>
/// Property tests: random valid structures encode, decode to equal values and encode again to the same bytes; random
/// and mutated bytes never throw, and whatever the decoder accepts re-encodes to exactly those bytes.
/// </summary>
public class CodecPropertyTests
{
    private const long Iterations = 400;

    private static readonly Gen<byte[]> s_bytes = Gen.Byte.Array[0, 48];
    private static readonly Gen<byte[]> s_random32 = Gen.Byte.Array[32];
    private static readonly Gen<byte[]> s_mac = Gen.Byte.Array[16];
    private static readonly Gen<LicenseBinaryBlob> s_blob = Gen.Select(Gen.UShort, s_bytes, (type, data) => new LicenseBinaryBlob(type, data));
    private static readonly Gen<string> s_ansi = Gen.Char['\u0001', '\u00FF'].Array[0, 16].Select(c => new string(c));
    private static readonly Gen<string> s_unicode = Gen.Char['\u0001', '\uD7FF'].Array[0, 16].Select(c => new string(c));
    private static readonly Gen<byte> s_preambleFlags = Gen.Byte;

    // Low byte with SEC_LICENSE_PKT and without SEC_ENCRYPT: never a bMsgType, so always detected as a header.
    private static readonly Gen<SecurityHeader?> s_securityHeader = Gen.Select(Gen.Bool, Gen.UShort, Gen.UShort, (present, flags, flagsHi) =>
        present ? new SecurityHeader((ushort)((flags | SecurityHeader.SecLicensePkt) & ~SecurityHeader.SecEncrypt), flagsHi) : (SecurityHeader?)null);

    private static readonly Gen<ProductInfo> s_productInfo = Gen.Select(Gen.UInt, s_unicode, s_unicode, (version, company, product) => new ProductInfo(version, company, product));

    private static readonly Gen<RsaPublicKeyBlob> s_rsaKey = Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Byte.Array[0, 80], (bits, data, exponent, modulus) =>
        new RsaPublicKeyBlob(RsaPublicKeyBlob.MagicRsa1, bits, data, exponent, modulus));

    private static readonly Gen<ServerCertificate?> s_proprietary = Gen.Select(Gen.Bool, Gen.UInt, Gen.UInt, Gen.UShort, s_rsaKey, Gen.UShort, s_bytes, (permanent, signatureAlgorithm, keyAlgorithm, keyType, key, signatureType, signature) =>
        (ServerCertificate?)new ProprietaryServerCertificate(ServerCertificate.CertChainVersion1 | (permanent ? ServerCertificate.IssuedPermanentlyFlag : 0), signatureAlgorithm, keyAlgorithm, keyType, key, signatureType, signature));

    private static readonly Gen<ServerCertificate?> s_chain = Gen.Select(Gen.Bool, Gen.Byte.Array[0, 60].Array[1, LicensingLimits.MaxCertificateCount], s_bytes, (permanent, certificates, padding) =>
        (ServerCertificate?)new X509CertificateChain(ServerCertificate.CertChainVersion2 | (permanent ? ServerCertificate.IssuedPermanentlyFlag : 0), [.. certificates.Select(c => (ReadOnlyMemory<byte>)c)], padding));

    private static readonly Gen<ServerCertificate?> s_certificate = Gen.OneOf(s_proprietary, s_chain, Gen.Const((ServerCertificate?)null));

    private static readonly Gen<LicensingPdu> s_serverLicenseRequest = Gen.Select(s_preambleFlags, s_securityHeader, s_random32, s_productInfo, Gen.UInt.Array[0, 4], s_certificate, s_ansi.Array[0, 4], (flags, header, random, product, algorithms, certificate, scopes) =>
        (LicensingPdu)new ServerLicenseRequest(new(LicensingMessageType.LicenseRequest, flags, 0), header, random, product, algorithms, certificate, scopes));

    private static readonly Gen<LicensingPdu> s_platformChallenge = Gen.Select(s_preambleFlags, s_securityHeader, Gen.UInt, s_blob, s_mac, (flags, header, connectFlags, challenge, mac) =>
        (LicensingPdu)new ServerPlatformChallenge(new(LicensingMessageType.PlatformChallenge, flags, 0), header, connectFlags, challenge, mac));

    private static readonly Gen<LicensingPdu> s_newLicense = Gen.Select(s_preambleFlags, s_securityHeader, Gen.Bool, s_blob, s_mac, (flags, header, upgrade, license, mac) =>
        (LicensingPdu)new ServerNewLicense(new(upgrade ? LicensingMessageType.UpgradeLicense : LicensingMessageType.NewLicense, flags, 0), header, license, mac));

    private static readonly Gen<LicensingPdu> s_errorAlert = Gen.Select(s_preambleFlags, s_securityHeader, Gen.UInt, Gen.UInt, s_blob, (flags, header, code, transition, info) =>
        (LicensingPdu)new LicenseErrorAlert(new(LicensingMessageType.ErrorAlert, flags, 0), header, (LicensingErrorCode)code, (LicensingStateTransition)transition, info));

    private static readonly Gen<LicensingPdu> s_newLicenseRequest = Gen.Select(s_preambleFlags, s_securityHeader, Gen.UInt, Gen.UInt, s_random32, s_blob, s_ansi, s_ansi, (flags, header, algorithm, platform, random, preMaster, user, machine) =>
        (LicensingPdu)new ClientNewLicenseRequest(new(LicensingMessageType.NewLicenseRequest, flags, 0), header, algorithm, platform, random, preMaster, user, machine));

    private static readonly Gen<LicensingPdu> s_licenseInfo = Gen.Select(s_preambleFlags, s_securityHeader, Gen.UInt, Gen.UInt, s_random32, Gen.Select(s_blob, s_blob, s_blob), s_mac, (flags, header, algorithm, platform, random, blobs, mac) =>
        (LicensingPdu)new ClientLicenseInfo(new(LicensingMessageType.LicenseInfo, flags, 0), header, algorithm, platform, random, blobs.Item1, blobs.Item2, blobs.Item3, mac));

    private static readonly Gen<LicensingPdu> s_challengeResponse = Gen.Select(s_preambleFlags, s_securityHeader, s_blob, s_blob, s_mac, (flags, header, response, hardwareId, mac) =>
        (LicensingPdu)new ClientPlatformChallengeResponse(new(LicensingMessageType.PlatformChallengeResponse, flags, 0), header, response, hardwareId, mac));

    private static readonly Gen<LicensingPdu> s_anyPdu = Gen.OneOf(s_serverLicenseRequest, s_platformChallenge, s_newLicense, s_errorAlert, s_newLicenseRequest, s_licenseInfo, s_challengeResponse);

    [Fact]
    public void EveryMessageRoundTrips() => s_anyPdu.Sample(AssertRoundTrip, iter: Iterations * 4);

    [Fact]
    public void LicenseRequestsRoundTrip() => s_serverLicenseRequest.Sample(AssertRoundTrip, iter: Iterations);

    [Fact]
    public void ServerCertificatesRoundTrip() => Gen.OneOf(s_proprietary, s_chain).Sample(certificate =>
    {
        byte[] wire = certificate!.ToArray();
        Assert.True(ServerCertificate.TryDecode(wire, out ServerCertificate? decoded, out DecodeError error), error.ToString());
        AssertSameCertificate(certificate, decoded);
        Assert.Equal(wire, decoded.ToArray());
    }, iter: Iterations);

    [Fact]
    public void NewLicenseInfoRoundTrips() => Gen.Select(Gen.UInt, s_ansi, s_unicode, s_unicode, Gen.Byte.Array[0, 200]).Sample(t =>
    {
        var info = new NewLicenseInfo(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5);
        byte[] wire = info.ToArray();
        Assert.True(NewLicenseInfo.TryDecode(wire, out NewLicenseInfo? decoded, out DecodeError error), error.ToString());
        Assert.Equal((t.Item1, t.Item2, t.Item3, t.Item4), (decoded.Version, decoded.Scope, decoded.CompanyName, decoded.ProductId));
        Assert.Equal(t.Item5, decoded.LicenseInfo.ToArray());
        Assert.Equal(wire, decoded.ToArray());
    }, iter: Iterations);

    [Fact]
    public void PlatformChallengeResponseDataRoundTrips() => Gen.Select(Gen.UShort, Gen.UShort, Gen.UShort, s_bytes).Sample(t =>
    {
        var data = new PlatformChallengeResponseData(t.Item1, t.Item2, t.Item3, t.Item4);
        byte[] wire = data.ToArray();
        Assert.True(PlatformChallengeResponseData.TryDecode(wire, out PlatformChallengeResponseData? decoded, out _));
        Assert.Equal((t.Item1, t.Item2, t.Item3), (decoded.Version, decoded.ClientType, decoded.LicenseDetailLevel));
        Assert.Equal(t.Item4, decoded.Challenge.ToArray());
        Assert.Equal(wire, decoded.ToArray());
    }, iter: Iterations);

    [Fact]
    public void ClientHardwareIdRoundTrips() => Gen.Select(Gen.UInt, Gen.Byte.Array[16]).Sample(t =>
    {
        var hardwareId = new ClientHardwareId(t.Item1, t.Item2);
        byte[] wire = hardwareId.ToArray();
        Assert.True(ClientHardwareId.TryDecode(wire, out ClientHardwareId decoded, out _));
        Assert.Equal(hardwareId, decoded);
        Assert.Equal(wire, decoded.ToArray());
    }, iter: Iterations);

    [Fact]
    public void LicenseErrorMessageRoundTrips() => Gen.Select(Gen.UInt, Gen.UInt, s_blob).Sample(t =>
    {
        var message = new LicenseErrorMessage((LicensingErrorCode)t.Item1, (LicensingStateTransition)t.Item2, t.Item3);
        byte[] wire = new byte[message.GetEncodedLength()];
        Assert.True(message.TryEncode(wire, out _));
        Assert.True(LicenseErrorMessage.TryDecode(wire, out LicenseErrorMessage? decoded, out _));
        Assert.Equal((message.ErrorCode, message.StateTransition, message.ErrorInfo), (decoded.ErrorCode, decoded.StateTransition, decoded.ErrorInfo));
    }, iter: Iterations);

    [Fact]
    public void WireStringsRoundTrip()
    {
        s_ansi.Sample(s => Assert.Equal(s, WireStrings.DecodeAnsiZ(WireStrings.EncodeAnsiZ(s))), iter: Iterations);
        s_unicode.Sample(s => Assert.Equal(s, WireStrings.DecodeUnicodeZ(WireStrings.EncodeUnicodeZ(s))), iter: Iterations);
    }

    [Fact]
    public void RandomBytesNeverThrow() => Gen.Byte.Array[0, 300].Sample(bytes =>
    {
        AssertAcceptedMeansExact(bytes);
        ServerCertificate.TryDecode(bytes, out _, out _);
        NewLicenseInfo.TryDecode(bytes, out _, out _);
        PlatformChallengeResponseData.TryDecode(bytes, out _, out _);
        LicenseErrorMessage.TryDecode(bytes, out _, out _);
        ClientHardwareId.TryDecode(bytes, out _, out _);
    }, iter: Iterations * 10);

    [Fact]
    public void RandomBodiesBehindAValidHeaderNeverThrow()
    {
        Gen<LicensingMessageType> type = Gen.OneOfConst(Enum.GetValues<LicensingMessageType>());
        Gen.Select(type, Gen.Bool, Gen.Byte.Array[0, 300]).Sample(t =>
        {
            (LicensingMessageType messageType, bool withHeader, byte[] body) = t;
            int headerLength = withHeader ? SecurityHeader.Length : 0;
            byte[] wire = new byte[headerLength + LicensePreamble.Length + body.Length];
            if (withHeader)
            {
                wire[0] = 0x80;
            }

            wire[headerLength] = (byte)messageType;
            wire[headerLength + 1] = LicensePreamble.DefaultClientFlags;
            BinaryPrimitives.WriteUInt16LittleEndian(wire.AsSpan(headerLength + 2), (ushort)(LicensePreamble.Length + body.Length));
            body.CopyTo(wire, headerLength + LicensePreamble.Length);
            AssertAcceptedMeansExact(wire);
        }, iter: Iterations * 10);
    }

    [Fact]
    public void MutatedFixturesNeverThrow()
    {
        byte[][] fixtures = [.. PduTestKit.LicensingPduVectors.Select(name => Vectors.Hex(name))];
        Gen.Select(Gen.Int[0, fixtures.Length - 1], Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 6]).Sample(t =>
        {
            byte[] wire = (byte[])fixtures[t.Item1].Clone();
            foreach ((int position, byte value) in t.Item2)
            {
                wire[position % wire.Length] = value;
            }

            AssertAcceptedMeansExact(wire);
        }, iter: Iterations * 10);
    }

    /// <summary>Decoding never throws, and an accepted PDU re-encodes to the input (wMsgSize per spec) through both entry points.</summary>
    internal static void AssertAcceptedMeansExact(byte[] wire)
    {
        bool ok = LicensingPduDecoder.TryDecode(wire, out LicensingPdu? pdu, out DecodeError error);
        DecodeStatus status = LicensingPduDecoder.TryDecode(Segments.SplitAt(wire, wire.Length / 2), out LicensingPdu? framed, out SequencePosition consumed, out _);
        LicensingPduDecoder.TryReadFrame(Segments.OnePerByte(wire), out _, out _, out _);
        if (!ok)
        {
            Assert.True(Enum.IsDefined(error.Kind));
            return;
        }

        byte[] expected = pdu!.MessageSizeIncludesSecurityHeader ? PduTestKit.ExpectedReencoding(wire, pdu) : wire;
        Assert.Equal(expected, PduTestKit.Reencode(pdu));
        Assert.Equal(DecodeStatus.Complete, status);
        Assert.Equal(expected, PduTestKit.Reencode(framed!));
        _ = consumed;
    }

    private static void AssertRoundTrip(LicensingPdu built)
    {
        bool withHeader = built.SecurityHeader is not null;
        byte[] wire = built.ToArray(withHeader);
        Assert.Equal(wire.Length, built.GetEncodedLength(withHeader));
        Assert.True(LicensingPduDecoder.TryDecode(wire, out LicensingPdu? decoded, out DecodeError error), error.ToString());
        AssertSameMessage(built, decoded);
        Assert.Equal(wire, decoded.ToArray(withHeader));

        Assert.Equal(DecodeStatus.Complete, LicensingPduDecoder.TryDecode(Segments.OnePerByte(wire), out LicensingPdu? framed, out _, out _));
        AssertSameMessage(built, framed!);
        Assert.Equal(wire, framed!.ToArray(withHeader));
    }

    private static void AssertSameMessage(LicensingPdu expected, LicensingPdu actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Preamble, actual.Preamble);
        Assert.Equal(expected.SecurityHeader, actual.SecurityHeader);
        Assert.False(actual.MessageSizeIncludesSecurityHeader);
        switch (expected)
        {
            case ServerLicenseRequest e:
                var a = (ServerLicenseRequest)actual;
                Assert.Equal(e.ServerRandom.ToArray(), a.ServerRandom.ToArray());
                Assert.Equal((e.ProductInfo.Version, e.ProductInfo.CompanyName, e.ProductInfo.ProductId), (a.ProductInfo.Version, a.ProductInfo.CompanyName, a.ProductInfo.ProductId));
                Assert.Equal(e.KeyExchangeAlgorithms, a.KeyExchangeAlgorithms);
                Assert.Equal(e.KeyExchangeList, a.KeyExchangeList);
                Assert.Equal(e.CertificateBlob, a.CertificateBlob);
                if (e.Certificate is null)
                {
                    Assert.Null(a.Certificate);
                }
                else
                {
                    AssertSameCertificate(e.Certificate, a.Certificate!);
                }

                Assert.Equal(e.Scopes, a.Scopes);
                Assert.Equal(e.ScopeBlobs, a.ScopeBlobs);
                break;
            case ServerPlatformChallenge e:
                var c = (ServerPlatformChallenge)actual;
                Assert.Equal((e.ConnectFlags, e.EncryptedPlatformChallenge), (c.ConnectFlags, c.EncryptedPlatformChallenge));
                Assert.Equal(e.MacData.ToArray(), c.MacData.ToArray());
                break;
            case ServerNewLicense e:
                var n = (ServerNewLicense)actual;
                Assert.Equal((e.IsUpgrade, e.EncryptedLicenseInfo), (n.IsUpgrade, n.EncryptedLicenseInfo));
                Assert.Equal(e.MacData.ToArray(), n.MacData.ToArray());
                break;
            case LicenseErrorAlert e:
                var x = (LicenseErrorAlert)actual;
                Assert.Equal((e.ErrorCode, e.StateTransition, e.ErrorInfo), (x.ErrorCode, x.StateTransition, x.ErrorInfo));
                break;
            case ClientNewLicenseRequest e:
                var r = (ClientNewLicenseRequest)actual;
                Assert.Equal((e.PreferredKeyExchangeAlgorithm, e.PlatformId, e.EncryptedPreMasterSecret), (r.PreferredKeyExchangeAlgorithm, r.PlatformId, r.EncryptedPreMasterSecret));
                Assert.Equal(e.ClientRandom.ToArray(), r.ClientRandom.ToArray());
                Assert.Equal((e.ClientUserName, e.ClientMachineName), (r.ClientUserName, r.ClientMachineName));
                Assert.Equal((e.ClientUserNameBlob, e.ClientMachineNameBlob), (r.ClientUserNameBlob, r.ClientMachineNameBlob));
                break;
            case ClientLicenseInfo e:
                var i = (ClientLicenseInfo)actual;
                Assert.Equal((e.PreferredKeyExchangeAlgorithm, e.PlatformId), (i.PreferredKeyExchangeAlgorithm, i.PlatformId));
                Assert.Equal((e.EncryptedPreMasterSecret, e.LicenseInfo, e.EncryptedHardwareId), (i.EncryptedPreMasterSecret, i.LicenseInfo, i.EncryptedHardwareId));
                Assert.Equal(e.ClientRandom.ToArray(), i.ClientRandom.ToArray());
                Assert.Equal(e.MacData.ToArray(), i.MacData.ToArray());
                break;
            case ClientPlatformChallengeResponse e:
                var p = (ClientPlatformChallengeResponse)actual;
                Assert.Equal((e.EncryptedPlatformChallengeResponse, e.EncryptedHardwareId), (p.EncryptedPlatformChallengeResponse, p.EncryptedHardwareId));
                Assert.Equal(e.MacData.ToArray(), p.MacData.ToArray());
                break;
            default:
                throw new InvalidOperationException(expected.GetType().Name);
        }
    }

    private static void AssertSameCertificate(ServerCertificate expected, ServerCertificate actual)
    {
        Assert.Equal((expected.Type, expected.Version, expected.IssuedPermanently), (actual.Type, actual.Version, actual.IssuedPermanently));
        switch (expected)
        {
            case ProprietaryServerCertificate e:
                var a = (ProprietaryServerCertificate)actual;
                Assert.Equal((e.SignatureAlgorithmId, e.KeyAlgorithmId, e.PublicKeyBlobType, e.SignatureBlobType), (a.SignatureAlgorithmId, a.KeyAlgorithmId, a.PublicKeyBlobType, a.SignatureBlobType));
                Assert.Equal((e.PublicKey.Magic, e.PublicKey.KeyLength, e.PublicKey.BitLength, e.PublicKey.DataLength, e.PublicKey.PublicExponent), (a.PublicKey.Magic, a.PublicKey.KeyLength, a.PublicKey.BitLength, a.PublicKey.DataLength, a.PublicKey.PublicExponent));
                Assert.Equal(e.PublicKey.Modulus.ToArray(), a.PublicKey.Modulus.ToArray());
                Assert.Equal(e.Signature.ToArray(), a.Signature.ToArray());
                Assert.Equal(e.SignedData.ToArray(), a.SignedData.ToArray());
                break;
            case X509CertificateChain e:
                var c = (X509CertificateChain)actual;
                Assert.Equal(e.Certificates.Select(x => x.ToArray()), c.Certificates.Select(x => x.ToArray()));
                Assert.Equal(e.Padding.ToArray(), c.Padding.ToArray());
                break;
            default:
                throw new InvalidOperationException(expected.GetType().Name);
        }
    }
}
