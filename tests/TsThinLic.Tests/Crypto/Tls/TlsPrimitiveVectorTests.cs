using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>Published vectors for the pieces under the TLS client: PRF, AES-GCM, P-256 ECDH, RSA signatures.</summary>
public sealed class TlsPrimitiveVectorTests
{
    /// <summary>
    /// The TLS 1.2 PRF vectors posted to the IETF TLS list (www.ietf.org/mail-archive/web/tls/current/msg03416.html),
    /// used by many implementations' tests; label "test label".
    /// </summary>
    [Theory]
    [InlineData(false, "9bbe436ba940f017b17652849a71db35", "a0ba9f936cda311827a6f796ffd5198c",
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66")]
    [InlineData(true, "b80b733d6ceefcdc71566ea48e5567df", "cd665cf6a8447dd6ff8b27555edb7465",
        "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f")]
    public void PrfMatchesTheTlsListVectors(bool sha384, string secret, string seed, string output)
    {
        byte[] expected = Convert.FromHexString(output);
        Assert.Equal(expected, TlsPrf.Compute(sha384, Convert.FromHexString(secret), "test label", Convert.FromHexString(seed), expected.Length));

        // P_hash is a stream: a shorter request is a prefix of a longer one.
        Assert.Equal(expected[..13], TlsPrf.Compute(sha384, Convert.FromHexString(secret), "test label", Convert.FromHexString(seed), 13));
    }

    /// <summary>McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 4 (AES-128) and 16 (AES-256).</summary>
    [Theory]
    [InlineData("feffe9928665731c6d6a8f9467308308",
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        "5bc94fbc3221a5db94fae95ae7121a47")]
    [InlineData("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b")]
    public void GcmMatchesTheSpecificationVectors(string key, string ciphertext, string tag)
    {
        byte[] plaintext = Convert.FromHexString("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] additionalData = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");

        // As RFC 5288 builds it: salt (4, from the key block) + nonce_explicit (8).
        byte[] nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        byte[] sealedData = new byte[plaintext.Length + 16];
        var gcm = new GcmBlockCipher(new AesEngine());
        TlsGcmRecordCipher.Seal(gcm, new KeyParameter(Convert.FromHexString(key)), nonce, additionalData, plaintext, sealedData);
        Assert.Equal(Convert.FromHexString(ciphertext + tag), sealedData);

        byte[] opened = new byte[plaintext.Length];
        Assert.True(TlsGcmRecordCipher.TryOpen(gcm, new KeyParameter(Convert.FromHexString(key)), nonce, additionalData, sealedData, opened));
        Assert.Equal(plaintext, opened);
        sealedData[^1] ^= 0x80;
        Assert.False(TlsGcmRecordCipher.TryOpen(gcm, new KeyParameter(Convert.FromHexString(key)), nonce, additionalData, sealedData, opened));
    }

    /// <summary>RFC 5903 8.1, the 256-bit random ECP group (P-256): both public values and the shared x-coordinate.</summary>
    [Fact]
    public void P256MatchesRfc5903()
    {
        byte[] i = Convert.FromHexString("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
        byte[] r = Convert.FromHexString("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53");
        byte[] gi = Convert.FromHexString("04DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C37725811805271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
        byte[] gr = Convert.FromHexString("04D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF6356FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
        byte[] shared = Convert.FromHexString("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");

        var initiator = TlsKeyShare.Create(TlsNamedGroup.Secp256r1, new SequenceRandomSource(i));
        var responder = TlsKeyShare.Create(TlsNamedGroup.Secp256r1, new SequenceRandomSource(r));
        Assert.Equal(gi, initiator.PublicKey);
        Assert.Equal(gr, responder.PublicKey);
        Assert.True(initiator.TryAgree(gr, out byte[] fromInitiator));
        Assert.True(responder.TryAgree(gi, out byte[] fromResponder));
        Assert.Equal(shared, fromInitiator);
        Assert.Equal(shared, fromResponder);
    }

    [Fact]
    public void P256RefusesPointsOffTheCurve()
    {
        var share = TlsKeyShare.Create(TlsNamedGroup.Secp256r1, new SequenceRandomSource(0x11));
        byte[] point = Convert.FromHexString("04D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF6356FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");

        point[^1] ^= 1; // y no longer on the curve
        Assert.False(share.TryAgree(point, out _));
        point[^1] ^= 1;
        point[0] = 0x02; // compressed form: not offered (ec_point_formats is uncompressed only)
        Assert.False(share.TryAgree(point, out _));
        Assert.False(share.TryAgree(new byte[65], out _)); // not even the 0x04 prefix
        Assert.False(share.TryAgree([0x04, .. new byte[64]], out _)); // (0, 0) is not on the curve
    }

    [Fact]
    public void P256ScalarsAreDrawnBelowTheOrder()
    {
        // All-ones is above n: the key generation draws again (FIPS 186-4 B.4.2), taking the next 32 bytes.
        byte[] tooLarge = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        byte[] usable = Convert.FromHexString("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
        var random = new SequenceRandomSource(tooLarge, usable);

        var share = TlsKeyShare.Create(TlsNamedGroup.Secp256r1, random);

        Assert.Equal(2, random.Requests);
        Assert.Equal(TlsKeyShare.Create(TlsNamedGroup.Secp256r1, new SequenceRandomSource(usable)).PublicKey, share.PublicKey);
    }

    [Fact]
    public void X25519RefusesTheAllZeroSecret()
    {
        var share = TlsKeyShare.Create(TlsNamedGroup.X25519, new SequenceRandomSource(0x12));

        // u = 0 (and the other small-order points) give the all-zero output RFC 7748 6.1 says to refuse.
        Assert.False(share.TryAgree(new byte[32], out _));
        Assert.False(share.TryAgree(new byte[31], out _));
    }

    /// <summary>Signatures made by BouncyCastle's PSS and PKCS#1 v1.5 signers verify; altered ones do not.</summary>
    [Theory]
    [InlineData(0x0804)] // RsaPssRsaeSha256
    [InlineData(0x0805)] // RsaPssRsaeSha384
    [InlineData(0x0201)] // RsaPkcs1Sha1
    [InlineData(0x0401)] // RsaPkcs1Sha256
    [InlineData(0x0501)] // RsaPkcs1Sha384
    [InlineData(0x0601)] // RsaPkcs1Sha512
    public void RsaSignaturesOfBouncyCastleVerify(int schemeNumber)
    {
        var scheme = (TlsSignatureScheme)schemeNumber;
        byte[] message = "client_random + server_random + ServerECDHParams"u8.ToArray();
        var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
        random.SetSeed(7);
        Org.BouncyCastle.Crypto.ISigner signer = scheme switch
        {
            TlsSignatureScheme.RsaPssRsaeSha256 => new PssSigner(new RsaEngine(), new Sha256Digest(), 32),
            TlsSignatureScheme.RsaPssRsaeSha384 => new PssSigner(new RsaEngine(), new Sha384Digest(), 48),
            TlsSignatureScheme.RsaPkcs1Sha1 => new RsaDigestSigner(new Sha1Digest()),
            TlsSignatureScheme.RsaPkcs1Sha256 => new RsaDigestSigner(new Sha256Digest()),
            TlsSignatureScheme.RsaPkcs1Sha384 => new RsaDigestSigner(new Sha384Digest()),
            _ => new RsaDigestSigner(new Sha512Digest()),
        };
        signer.Init(true, new ParametersWithRandom(BcTlsPeer.PrivateKey, random));
        signer.BlockUpdate(message);
        byte[] signature = signer.GenerateSignature();
        Assert.True(RsaPublicKey.TryFromBigEndian(BcTlsPeer.PublicKey.Modulus.ToByteArrayUnsigned(), BcTlsPeer.PublicKey.Exponent.ToByteArrayUnsigned(), out RsaPublicKey? key));

        Assert.True(TlsRsa.Verify(key, scheme, message, signature));
        Assert.False(TlsRsa.Verify(key, scheme, [.. message, 0], signature));
        Assert.False(TlsRsa.Verify(key, scheme, message, signature[1..])); // not k bytes
        signature[^1] ^= 0x01;
        Assert.False(TlsRsa.Verify(key, scheme, message, signature));
    }

    [Fact]
    public void RsaPremasterEncryptionDecryptsWithPkcs1()
    {
        Assert.True(RsaPublicKey.TryFromBigEndian(BcTlsPeer.PublicKey.Modulus.ToByteArrayUnsigned(), BcTlsPeer.PublicKey.Exponent.ToByteArrayUnsigned(), out RsaPublicKey? key));
        byte[] preMasterSecret = [0x03, 0x03, .. Enumerable.Range(0, 46).Select(i => (byte)i)];

        // A random source full of zeros: every padding byte must be redrawn until non-zero.
        var random = new SequenceRandomSource(new byte[256 - 48 - 3]);
        byte[] ciphertext = TlsRsa.EncryptPkcs1(key, preMasterSecret, random);

        var decryptor = new Org.BouncyCastle.Crypto.Encodings.Pkcs1Encoding(new RsaEngine());
        decryptor.Init(false, BcTlsPeer.PrivateKey);
        Assert.Equal(256, ciphertext.Length);
        Assert.Equal(preMasterSecret, decryptor.ProcessBlock(ciphertext, 0, ciphertext.Length));
    }
}
