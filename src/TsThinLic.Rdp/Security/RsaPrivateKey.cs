using Org.BouncyCastle.Math;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// [MS-RDPELE 5.1.4] The license server's side of the textbook RSA key exchange, for the emulated server in tests
/// and tools; a client never holds one.
/// </summary>
internal sealed class RsaPrivateKey
{
    private readonly BigInteger _privateExponent;

    private RsaPrivateKey(RsaPublicKey publicKey, BigInteger privateExponent)
    {
        PublicKey = publicKey;
        _privateExponent = privateExponent;
    }

    public RsaPublicKey PublicKey { get; }

    public int ModulusLength => PublicKey.ModulusLength;

    /// <summary>d, for writing the key to a file (<see cref="RsaPrivateKeyFile.WriteRsaKeysIni"/>); key material.</summary>
    internal BigInteger PrivateExponent => _privateExponent;

    public static RsaPrivateKey FromBigEndian(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> privateExponent)
        => Create(RsaMath.FromBigEndian(modulus), RsaMath.FromBigEndian(publicExponent), RsaMath.FromBigEndian(privateExponent));

    public static RsaPrivateKey FromLittleEndian(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> privateExponent)
        => Create(RsaMath.FromLittleEndian(modulus), RsaMath.FromLittleEndian(publicExponent), RsaMath.FromLittleEndian(privateExponent));

    internal static RsaPrivateKey Create(BigInteger modulus, BigInteger publicExponent, BigInteger privateExponent)
    {
        if (!RsaPublicKey.TryCreate(modulus, publicExponent, out RsaPublicKey? publicKey))
        {
            throw new ArgumentException("Not a usable RSA key.", nameof(modulus));
        }

        if (privateExponent.SignValue <= 0 || privateExponent.CompareTo(modulus) >= 0)
        {
            throw new ArgumentException("The private exponent is out of range.", nameof(privateExponent));
        }

        return new RsaPrivateKey(publicKey, privateExponent);
    }

    /// <summary>
    /// Raw RSA: <paramref name="littleEndianOutput"/> (exactly <see cref="ModulusLength"/> bytes) = input^d mod n.
    /// False when the input (zero padding allowed) is not below the modulus.
    /// </summary>
    public bool TryDecryptRaw(ReadOnlySpan<byte> littleEndianInput, Span<byte> littleEndianOutput)
    {
        if (littleEndianOutput.Length != ModulusLength)
        {
            throw new ArgumentException($"The output must be {ModulusLength} bytes.", nameof(littleEndianOutput));
        }

        if (!RsaMath.TryReadBelow(littleEndianInput, PublicKey.Modulus, ModulusLength, out BigInteger cipher))
        {
            return false;
        }

        return RsaMath.TryWriteLittleEndian(cipher.ModPow(_privateExponent, PublicKey.Modulus), littleEndianOutput);
    }

    /// <summary>
    /// Recovers the 48-byte premaster secret from an EncryptedPreMasterSecret blob (ciphertext + 8 zero bytes).
    /// False when the blob is out of range or does not decrypt to a value that fits in 48 bytes.
    /// </summary>
    public bool TryDecryptPreMasterSecret(ReadOnlySpan<byte> encryptedBlob, Span<byte> preMasterSecret)
    {
        if (preMasterSecret.Length != LicensingSessionKeys.PreMasterSecretLength)
        {
            throw new ArgumentException($"The destination must be {LicensingSessionKeys.PreMasterSecretLength} bytes.", nameof(preMasterSecret));
        }

        Span<byte> plain = ModulusLength <= 1024 ? stackalloc byte[ModulusLength] : new byte[ModulusLength];
        try
        {
            if (!TryDecryptRaw(encryptedBlob, plain)
                || plain[LicensingSessionKeys.PreMasterSecretLength..].ContainsAnyExcept((byte)0))
            {
                return false;
            }

            plain[..LicensingSessionKeys.PreMasterSecretLength].CopyTo(preMasterSecret);
            return true;
        }
        finally
        {
            plain.Clear();
        }
    }

    /// <summary>
    /// An RSASSA-PKCS1-v1_5 signature with SHA-1 ([RFC 8017 8.2.1]), big-endian as X.509 and PKCS#7 carry it: what a
    /// license server's sha1RSA (OIW 1.3.14.3.2.29) signature on a CAL is. For the emulated license server only.
    /// </summary>
    public byte[] SignSha1(ReadOnlySpan<byte> data)
    {
        // DigestInfo ::= SEQUENCE { SEQUENCE { id-sha1, NULL }, OCTET STRING hash } ([RFC 8017 9.2] note 1).
        ReadOnlySpan<byte> digestInfoPrefix = [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];
        return SignPkcs1(new Org.BouncyCastle.Crypto.Digests.Sha1Digest(), digestInfoPrefix, data);
    }

    /// <summary>An RSASSA-PKCS1-v1_5 signature with SHA-256 ([RFC 8017 8.2.1]): the emulated TLS server's certificate.</summary>
    public byte[] SignSha256(ReadOnlySpan<byte> data)
    {
        // DigestInfo prefix of id-sha256 ([RFC 8017 9.2] note 1).
        ReadOnlySpan<byte> digestInfoPrefix = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
        return SignPkcs1(new Org.BouncyCastle.Crypto.Digests.Sha256Digest(), digestInfoPrefix, data);
    }

    private byte[] SignPkcs1(Org.BouncyCastle.Crypto.IDigest digest, ReadOnlySpan<byte> digestInfoPrefix, ReadOnlySpan<byte> data)
    {
        digest.BlockUpdate(data);
        Span<byte> hash = stackalloc byte[digest.GetDigestSize()];
        digest.DoFinal(hash);

        // EM = 0x00 || 0x01 || 0xFF… || 0x00 || DigestInfo
        byte[] encoded = new byte[ModulusLength];
        int digestInfoLength = digestInfoPrefix.Length + hash.Length;
        encoded[1] = 0x01;
        encoded.AsSpan(2, ModulusLength - 3 - digestInfoLength).Fill(0xFF);
        digestInfoPrefix.CopyTo(encoded.AsSpan(ModulusLength - digestInfoLength));
        hash.CopyTo(encoded.AsSpan(ModulusLength - hash.Length));

        byte[] signature = new byte[ModulusLength];
        if (!RsaMath.TryWriteBigEndian(RsaMath.FromBigEndian(encoded).ModPow(_privateExponent, PublicKey.Modulus), signature))
        {
            throw new InvalidOperationException("The signature does not fit the modulus length.");
        }

        return signature;
    }

    /// <summary>
    /// Raw RSA on big-endian operands of exactly <see cref="ModulusLength"/> bytes: what a TLS server's private
    /// operations are built on. False when the input is not below the modulus.
    /// </summary>
    public bool TryPrivateOperationBigEndian(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length != ModulusLength || output.Length != ModulusLength)
        {
            return false;
        }

        BigInteger value = RsaMath.FromBigEndian(input);
        return value.CompareTo(PublicKey.Modulus) < 0 && RsaMath.TryWriteBigEndian(value.ModPow(_privateExponent, PublicKey.Modulus), output);
    }
}
