using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Math;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// The RSA operations of TLS 1.2 on the server certificate's key. The client's, with the public key: RSAES-PKCS1-v1_5
/// encryption of the premaster secret [RFC 5246 7.4.7.1] and verification of the ServerKeyExchange signature,
/// RSASSA-PKCS1-v1_5 or RSASSA-PSS [RFC 5246 7.4.3], [RFC 8446 4.2.3]. The server's, through its private key: the
/// PKCS #1 v1.5 signature of ServerKeyExchange and the decryption of the premaster secret. Integer arithmetic is
/// BouncyCastle's; padding is RFC 8017's.
/// </summary>
internal static class TlsRsa
{
    /// <summary>[RFC 8017 7.2.1] RSAES-PKCS1-v1_5-ENCRYPT: EM = 0x00 || 0x02 || PS (non-zero random) || 0x00 || M.</summary>
    public static byte[] EncryptPkcs1(RsaPublicKey key, ReadOnlySpan<byte> message, IRandomSource random)
    {
        int k = key.ModulusLength;
        if (message.Length > k - 11)
        {
            throw new ArgumentException("The message is too long for the key.", nameof(message));
        }

        byte[] encoded = new byte[k];
        encoded[1] = 0x02;
        Span<byte> padding = encoded.AsSpan(2, k - message.Length - 3);
        random.GetBytes(padding);
        Span<byte> one = stackalloc byte[1];
        for (int i = 0; i < padding.Length; i++)
        {
            // PS is made of non-zero octets: redraw each zero.
            while (padding[i] == 0)
            {
                random.GetBytes(one);
                padding[i] = one[0];
            }
        }

        message.CopyTo(encoded.AsSpan(k - message.Length));
        BigInteger m = RsaMath.FromBigEndian(encoded);
        byte[] ciphertext = new byte[k];
        if (!RsaMath.TryWriteBigEndian(m.ModPow(key.Exponent, key.Modulus), ciphertext))
        {
            throw new InvalidOperationException("RSA output longer than the modulus.");
        }

        return ciphertext;
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is <paramref name="scheme"/>'s signature of <paramref name="message"/>
    /// by <paramref name="key"/>. False, never an exception, for anything malformed.
    /// </summary>
    public static bool Verify(RsaPublicKey key, TlsSignatureScheme scheme, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        IDigest? digest = CreateDigest(scheme);
        if (digest is null)
        {
            return false;
        }

        byte[] hash = new byte[digest.GetDigestSize()];
        digest.BlockUpdate(message);
        digest.DoFinal(hash);

        // RFC 8017 8.1.2 / 8.2.2 step 1: the signature is exactly k octets, and its value is below the modulus.
        if (signature.Length != key.ModulusLength)
        {
            return false;
        }

        BigInteger s = RsaMath.FromBigEndian(signature);
        if (s.CompareTo(key.Modulus) >= 0)
        {
            return false;
        }

        BigInteger m = s.ModPow(key.Exponent, key.Modulus);
        return scheme is TlsSignatureScheme.RsaPssRsaeSha256 or TlsSignatureScheme.RsaPssRsaeSha384
            ? VerifyPss(key, m, hash, digest)
            : VerifyPkcs1(key, m, hash, DigestInfoPrefix(scheme));
    }

    /// <summary>[RFC 8017 8.2.1] RSASSA-PKCS1-v1_5-SIGN of <paramref name="message"/> with <paramref name="scheme"/>'s hash.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scheme is not a PKCS #1 v1.5 one.</exception>
    public static byte[] SignPkcs1(ITlsServerKey key, TlsSignatureScheme scheme, ReadOnlySpan<byte> message)
    {
        IDigest digest = scheme is TlsSignatureScheme.RsaPkcs1Sha1 or TlsSignatureScheme.RsaPkcs1Sha256 or TlsSignatureScheme.RsaPkcs1Sha384 or TlsSignatureScheme.RsaPkcs1Sha512
            ? CreateDigest(scheme)!
            : throw new ArgumentOutOfRangeException(nameof(scheme));
        byte[] hash = new byte[digest.GetDigestSize()];
        digest.BlockUpdate(message);
        digest.DoFinal(hash);

        // EMSA-PKCS1-v1_5 [RFC 8017 9.2]: EM = 0x00 || 0x01 || PS (0xFF…) || 0x00 || DigestInfo.
        byte[] prefix = DigestInfoPrefix(scheme);
        int k = key.PublicKey.ModulusLength;
        int tLength = prefix.Length + hash.Length;
        if (k < tLength + 11)
        {
            throw new InvalidOperationException("The key is too short for the signature.");
        }

        byte[] encoded = new byte[k];
        encoded[1] = 0x01;
        encoded.AsSpan(2, k - tLength - 3).Fill(0xFF);
        prefix.CopyTo(encoded.AsSpan(k - tLength));
        hash.CopyTo(encoded.AsSpan(k - hash.Length));
        byte[] signature = new byte[k];
        if (!key.TryPrivateOperation(encoded, signature))
        {
            throw new InvalidOperationException("The encoded message is not below the modulus.");
        }

        return signature;
    }

    /// <summary>
    /// [RFC 8017 7.2.2] RSAES-PKCS1-v1_5-DECRYPT: the message of EM = 0x00 || 0x02 || PS (at least 8 non-zero) || 0x00
    /// || M; false for anything else. The caller must not tell the peer which check failed ([RFC 5246 7.4.7.1]).
    /// </summary>
    public static bool TryDecryptPkcs1(ITlsServerKey key, ReadOnlySpan<byte> ciphertext, out byte[] message)
    {
        message = [];
        int k = key.PublicKey.ModulusLength;
        if (ciphertext.Length != k)
        {
            return false;
        }

        byte[] encoded = new byte[k];
        try
        {
            if (!key.TryPrivateOperation(ciphertext, encoded) || encoded[0] != 0 || encoded[1] != 2)
            {
                return false;
            }

            int separator = encoded.AsSpan(2).IndexOf((byte)0);
            if (separator < 8)
            {
                return false;
            }

            message = encoded.AsSpan(2 + separator + 1).ToArray();
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>The hash of a signature scheme this client offers; null for any other.</summary>
    internal static IDigest? CreateDigest(TlsSignatureScheme scheme) => scheme switch
    {
        TlsSignatureScheme.RsaPkcs1Sha1 => new Sha1Digest(),
        TlsSignatureScheme.RsaPkcs1Sha256 or TlsSignatureScheme.RsaPssRsaeSha256 => new Sha256Digest(),
        TlsSignatureScheme.RsaPkcs1Sha384 or TlsSignatureScheme.RsaPssRsaeSha384 => new Sha384Digest(),
        TlsSignatureScheme.RsaPkcs1Sha512 => new Sha512Digest(),
        _ => null,
    };

    /// <summary>[RFC 8017 9.2] EMSA-PKCS1-v1_5: EM = 0x00 || 0x01 || PS (0xFF…, at least 8) || 0x00 || DigestInfo.</summary>
    private static bool VerifyPkcs1(RsaPublicKey key, BigInteger m, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> digestInfoPrefix)
    {
        int k = key.ModulusLength;
        int tLength = digestInfoPrefix.Length + hash.Length;
        if (k < tLength + 11)
        {
            return false;
        }

        byte[] actual = new byte[k];
        if (!RsaMath.TryWriteBigEndian(m, actual))
        {
            return false;
        }

        byte[] expected = new byte[k];
        expected[1] = 0x01;
        expected.AsSpan(2, k - tLength - 3).Fill(0xFF);
        digestInfoPrefix.CopyTo(expected.AsSpan(k - tLength));
        hash.CopyTo(expected.AsSpan(k - hash.Length));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>
    /// [RFC 8017 9.1.2] EMSA-PSS-VERIFY with MGF1 over the same hash and a salt as long as the hash, as TLS requires
    /// ([RFC 8446 4.2.3]); emBits = modBits − 1.
    /// </summary>
    private static bool VerifyPss(RsaPublicKey key, BigInteger m, ReadOnlySpan<byte> hash, IDigest digest)
    {
        int hashLength = hash.Length;
        int saltLength = hashLength;
        int emBits = key.Modulus.BitLength - 1;
        int emLength = (emBits + 7) / 8;
        if (emLength < hashLength + saltLength + 2)
        {
            return false;
        }

        byte[] encoded = new byte[emLength];
        if (!RsaMath.TryWriteBigEndian(m, encoded) || encoded[^1] != 0xBC)
        {
            return false;
        }

        int dbLength = emLength - hashLength - 1;
        ReadOnlySpan<byte> h = encoded.AsSpan(dbLength, hashLength);

        // The leftmost 8·emLen − emBits bits of maskedDB must be zero.
        int zeroBits = (8 * emLength) - emBits;
        if ((encoded[0] & (0xFF00 >> zeroBits) & 0xFF) != 0)
        {
            return false;
        }

        byte[] db = Mgf1(digest, h, dbLength);
        for (int i = 0; i < dbLength; i++)
        {
            db[i] ^= encoded[i];
        }

        db[0] &= (byte)(0xFF >> zeroBits);
        int separator = dbLength - saltLength - 1;
        if (db.AsSpan(0, separator).ContainsAnyExcept((byte)0) || db[separator] != 0x01)
        {
            return false;
        }

        // H' = Hash(0x00 × 8 || mHash || salt)
        Span<byte> zeros = stackalloc byte[8];
        zeros.Clear();
        digest.Reset();
        digest.BlockUpdate(zeros);
        digest.BlockUpdate(hash);
        digest.BlockUpdate(db.AsSpan(separator + 1, saltLength));
        byte[] expected = new byte[hashLength];
        digest.DoFinal(expected);
        return CryptographicOperations.FixedTimeEquals(expected, h);
    }

    /// <summary>[RFC 8017 B.2.1] MGF1: Hash(seed || C) for C = 0, 1, … (4 octets, big-endian), cut to <paramref name="length"/>.</summary>
    private static byte[] Mgf1(IDigest digest, ReadOnlySpan<byte> seed, int length)
    {
        byte[] mask = new byte[length];
        byte[] block = new byte[digest.GetDigestSize()];
        Span<byte> counter = stackalloc byte[4];
        for (int offset = 0, c = 0; offset < length; offset += block.Length, c++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(counter, c);
            digest.Reset();
            digest.BlockUpdate(seed);
            digest.BlockUpdate(counter);
            digest.DoFinal(block);
            block.AsSpan(0, Math.Min(block.Length, length - offset)).CopyTo(mask.AsSpan(offset));
        }

        return mask;
    }

    /// <summary>
    /// DER of DigestInfo up to the hash value, AlgorithmIdentifier parameters NULL ([RFC 8017 9.2, note 1]).
    /// </summary>
    private static byte[] DigestInfoPrefix(TlsSignatureScheme scheme) => scheme switch
    {
        TlsSignatureScheme.RsaPkcs1Sha1 => [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14],
        TlsSignatureScheme.RsaPkcs1Sha256 => [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
        TlsSignatureScheme.RsaPkcs1Sha384 => [0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
        TlsSignatureScheme.RsaPkcs1Sha512 => [0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
        _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
    };
}
