using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Math;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPBCGR 5.3.3.1.1] Terminal Services Signing Key: the well-known 512-bit RSA key that signs proprietary server
/// certificates. Verification per [MS-RDPBCGR 5.3.3.1.3]; signing per [MS-RDPBCGR 5.3.3.1.2].
/// </summary>
public static class TerminalServicesSigningKey
{
    /// <summary>Modulus length of the signing key, in bytes: the size of a signature without its wire padding.</summary>
    public const int SignatureLength = 64;

    /// <summary>Longest SignatureBlob accepted: the signature and its 8 bytes of zero padding ([MS-RDPBCGR 2.2.1.4.3.1.1]).</summary>
    public const int MaxSignatureBlobLength = SignatureLength + 8;

    private const int HashLength = 16;

    // MS-RDPBCGR 5.3.3.1.1: modulus (n), public exponent (e) and private exponent (d), little-endian as the spec
    // prints them. The private exponent is published: the key proves nothing about a server, it only keeps the
    // format honest, which is why an emulated server may sign with it.
    private static ReadOnlySpan<byte> ModulusLittleEndian =>
    [
        0x3d, 0x3a, 0x5e, 0xbd, 0x72, 0x43, 0x3e, 0xc9, 0x4d, 0xbb, 0xc1, 0x1e, 0x4a, 0xba, 0x5f, 0xcb,
        0x3e, 0x88, 0x20, 0x87, 0xef, 0xf5, 0xc1, 0xe2, 0xd7, 0xb7, 0x6b, 0x9a, 0xf2, 0x52, 0x45, 0x95,
        0xce, 0x63, 0x65, 0x6b, 0x58, 0x3a, 0xfe, 0xef, 0x7c, 0xe7, 0xbf, 0xfe, 0x3d, 0xf6, 0x5c, 0x7d,
        0x6c, 0x5e, 0x06, 0x09, 0x1a, 0xf5, 0x61, 0xbb, 0x20, 0x93, 0x09, 0x5f, 0x05, 0x6d, 0xea, 0x87,
    ];

    private const uint PublicExponentValue = 0xc0887b5b;

    private static ReadOnlySpan<byte> PrivateExponentLittleEndian =>
    [
        0x87, 0xa7, 0x19, 0x32, 0xda, 0x11, 0x87, 0x55, 0x58, 0x00, 0x16, 0x16, 0x25, 0x65, 0x68, 0xf8,
        0x24, 0x3e, 0xe6, 0xfa, 0xe9, 0x67, 0x49, 0x94, 0xcf, 0x92, 0xcc, 0x33, 0x99, 0xe8, 0x08, 0x60,
        0x17, 0x9a, 0x12, 0x9f, 0x24, 0xdd, 0xb1, 0x24, 0x99, 0xc7, 0x3a, 0xb8, 0x0a, 0x7b, 0x0d, 0xdd,
        0x35, 0x07, 0x79, 0x17, 0x0b, 0x51, 0x9b, 0xb3, 0xc7, 0x10, 0x01, 0x13, 0xe7, 0x3f, 0xf3, 0x5f,
    ];

    private static readonly RsaPublicKey s_publicKey = RsaPublicKey.FromLittleEndian(ModulusLittleEndian, PublicExponentValue);

    /// <summary>The public half of the signing key.</summary>
    public static RsaPublicKey PublicKey => s_publicKey;

    /// <summary>
    /// Checks a proprietary certificate's signature. <paramref name="signedData"/> is dwVersion through the end of
    /// PublicKeyBlob; <paramref name="signatureBlob"/> is the SignatureBlob bytes as on the wire (64 bytes, usually
    /// followed by 8 zero bytes, at most <see cref="MaxSignatureBlobLength"/>). The blob is read as one little-endian
    /// integer, so its padding must be zero. Never throws.
    /// </summary>
    public static bool VerifyProprietaryCertificateSignature(ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signatureBlob)
    {
        if (signatureBlob.Length > MaxSignatureBlobLength)
        {
            return false;
        }

        try
        {
            if (!RsaMath.TryReadBelow(signatureBlob, s_publicKey.Modulus, SignatureLength, out BigInteger signature))
            {
                return false;
            }

            Span<byte> decrypted = stackalloc byte[SignatureLength];
            if (!RsaMath.TryWriteLittleEndian(signature.ModPow(s_publicKey.Exponent, s_publicKey.Modulus), decrypted))
            {
                return false;
            }

            Span<byte> expected = stackalloc byte[SignatureLength];
            BuildSignatureBlock(signedData, expected);
            return CryptographicOperations.FixedTimeEquals(decrypted, expected);
        }
        catch (Exception)
        {
            // The seam: nothing from BouncyCastle escapes on wire data.
            return false;
        }
    }

    /// <summary>
    /// Signs <paramref name="signedData"/> as a license server would ([MS-RDPBCGR 5.3.3.1.2]): the result is
    /// <paramref name="signatureLength"/> bytes (64, or 72 with the wire's 8 zero bytes of padding).
    /// </summary>
    internal static byte[] Sign(ReadOnlySpan<byte> signedData, int signatureLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signatureLength, SignatureLength);

        Span<byte> block = stackalloc byte[SignatureLength];
        BuildSignatureBlock(signedData, block);
        BigInteger privateExponent = RsaMath.FromLittleEndian(PrivateExponentLittleEndian);
        BigInteger signature = RsaMath.FromLittleEndian(block).ModPow(privateExponent, s_publicKey.Modulus);
        return RsaMath.ToLittleEndian(signature, signatureLength);
    }

    /// <summary>
    /// MS-RDPBCGR 5.3.3.1.2: the 63-byte block MD5(signedData) || 0x00 || 0xFF × 45 || 0x01, as a little-endian
    /// integer in 64 bytes (so a last byte of 0x00).
    /// </summary>
    private static void BuildSignatureBlock(ReadOnlySpan<byte> signedData, Span<byte> block)
    {
        var md5 = new MD5Digest();
        md5.BlockUpdate(signedData);
        md5.DoFinal(block);
        block[HashLength] = 0x00;
        block[(HashLength + 1)..(SignatureLength - 2)].Fill(0xFF);
        block[SignatureLength - 2] = 0x01;
        block[SignatureLength - 1] = 0x00;
    }
}
