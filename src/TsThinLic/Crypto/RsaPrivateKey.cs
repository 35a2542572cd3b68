using Org.BouncyCastle.Math;

namespace TsThinLic.Crypto;

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
}
