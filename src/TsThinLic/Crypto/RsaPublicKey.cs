using System.Diagnostics.CodeAnalysis;
using Org.BouncyCastle.Math;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 5.1.4] / [MS-RDPBCGR 5.3.4.1] A server's RSA public key, used "textbook": c = m^e mod n with no
/// PKCS#1 padding, integers little-endian on the wire.
/// </summary>
/// <remarks>
/// A key is accepted only when it can be one: an odd modulus of <see cref="MinimumKeyBits"/> to
/// <see cref="MaximumKeyBits"/> bits and an odd exponent of 3 up to 64 bits (which also bounds the work a hostile
/// server can ask for).
/// </remarks>
public sealed class RsaPublicKey
{
    /// <summary>
    /// Smallest modulus accepted: 512 bits, what a proprietary certificate carries ([MS-RDPBCGR 5.3.3.1]). Measured on
    /// the key's wire length, not its bit length: xrdp 0.9's "512-bit" key has 511 significant bits.
    /// </summary>
    public const int MinimumKeyBits = 512;

    /// <summary>
    /// Fewest significant bits of a usable modulus: the 48-byte premaster secret, read as an integer, must stay below it.
    /// </summary>
    public const int MinimumSignificantBits = 48 * 8 + 1;

    /// <summary>Largest modulus accepted.</summary>
    public const int MaximumKeyBits = 16384;

    /// <summary>The EncryptedPreMasterSecret blob carries 8 zero bytes after the ciphertext ([MS-RDPBCGR 5.3.4.1]).</summary>
    public const int WirePaddingLength = 8;

    private readonly byte[] _modulusLittleEndian;

    private RsaPublicKey(BigInteger modulus, BigInteger exponent, int modulusLength)
    {
        Modulus = modulus;
        Exponent = exponent;
        KeyBits = modulus.BitLength;
        ModulusLength = modulusLength;
        PublicExponent = (ulong)exponent.LongValue;
        _modulusLittleEndian = RsaMath.ToLittleEndian(modulus, ModulusLength);
    }

    /// <summary>
    /// Modulus length in bytes as the certificate declares it, without wire padding: every RSA output (the premaster
    /// ciphertext) is written at this length, even when the modulus's top byte is small. Deriving it from the bit
    /// length instead gives a short blob for such keys (IronRDP's bug).
    /// </summary>
    public int ModulusLength { get; }

    /// <summary>Significant bits of the modulus.</summary>
    public int KeyBits { get; }

    /// <summary>The declared size in bits (<see cref="ModulusLength"/> × 8): 512 for xrdp's 511-bit key.</summary>
    public int NominalKeyBits => ModulusLength * 8;

    /// <summary>Public exponent (pubExp / publicExponent).</summary>
    public ulong PublicExponent { get; }

    /// <summary>Modulus, little-endian as in an RSA_PUBLIC_KEY blob, without its padding.</summary>
    public ReadOnlyMemory<byte> ModulusLittleEndian => _modulusLittleEndian;

    internal BigInteger Modulus { get; }

    internal BigInteger Exponent { get; }

    /// <summary>From an RSA_PUBLIC_KEY blob ([MS-RDPBCGR 2.2.1.4.3.1.1.1]) modulus; trailing zero padding is stripped.</summary>
    /// <exception cref="ArgumentException">Not a usable RSA key (see remarks on the type).</exception>
    public static RsaPublicKey FromLittleEndian(ReadOnlySpan<byte> modulusLittleEndian, uint publicExponent)
        => TryFromLittleEndian(modulusLittleEndian, publicExponent, out RsaPublicKey? key)
            ? key
            : throw new ArgumentException("Not a usable RSA public key.", nameof(modulusLittleEndian));

    /// <summary>From big-endian modulus and exponent as in an X.509 RSAPublicKey.</summary>
    /// <exception cref="ArgumentException">Not a usable RSA key (see remarks on the type).</exception>
    public static RsaPublicKey FromBigEndian(ReadOnlySpan<byte> modulusBigEndian, ReadOnlySpan<byte> exponentBigEndian)
        => TryFromBigEndian(modulusBigEndian, exponentBigEndian, out RsaPublicKey? key)
            ? key
            : throw new ArgumentException("Not a usable RSA public key.", nameof(modulusBigEndian));

    /// <summary>As <see cref="FromLittleEndian"/>, returning false for wire data that is not a usable key.</summary>
    public static bool TryFromLittleEndian(ReadOnlySpan<byte> modulusLittleEndian, uint publicExponent, [NotNullWhen(true)] out RsaPublicKey? key)
    {
        // [MS-RDPBCGR 2.2.1.4.3.1.1.1]: keylen counts the modulus and 8 bytes of zero padding after it.
        int declared = modulusLittleEndian.Length;
        if (declared > WirePaddingLength && !modulusLittleEndian[^WirePaddingLength..].ContainsAnyExcept((byte)0))
        {
            declared -= WirePaddingLength;
        }

        if (declared > MaximumKeyBits / 8 + WirePaddingLength)
        {
            key = null;
            return false;
        }

        return TryCreate(RsaMath.FromLittleEndian(modulusLittleEndian), BigInteger.ValueOf(publicExponent), declared, out key);
    }

    /// <summary>As <see cref="FromBigEndian"/>, returning false for wire data that is not a usable key.</summary>
    public static bool TryFromBigEndian(ReadOnlySpan<byte> modulusBigEndian, ReadOnlySpan<byte> exponentBigEndian, [NotNullWhen(true)] out RsaPublicKey? key)
    {
        // Bound the work before building big integers from hostile lengths (leading zeros do not count).
        ReadOnlySpan<byte> modulus = modulusBigEndian.TrimStart((byte)0);
        ReadOnlySpan<byte> exponent = exponentBigEndian.TrimStart((byte)0);
        if (modulus.Length > MaximumKeyBits / 8 || exponent.Length > sizeof(ulong))
        {
            key = null;
            return false;
        }

        return TryCreate(RsaMath.FromBigEndian(modulus), RsaMath.FromBigEndian(exponent), modulus.Length, out key);
    }

    internal static bool TryCreate(BigInteger modulus, BigInteger exponent, [NotNullWhen(true)] out RsaPublicKey? key)
        => TryCreate(modulus, exponent, (modulus.BitLength + 7) / 8, out key);

    /// <summary>A key whose outputs are <paramref name="declaredLength"/> bytes (at least the modulus's own length).</summary>
    internal static bool TryCreate(BigInteger modulus, BigInteger exponent, int declaredLength, [NotNullWhen(true)] out RsaPublicKey? key)
    {
        key = null;
        if (modulus.SignValue <= 0 || !modulus.TestBit(0) || modulus.BitLength < MinimumSignificantBits || modulus.BitLength > MaximumKeyBits)
        {
            return false;
        }

        int modulusLength = Math.Max(declaredLength, (modulus.BitLength + 7) / 8);
        if (modulusLength * 8 < MinimumKeyBits || modulusLength * 8 > MaximumKeyBits)
        {
            return false;
        }

        if (!exponent.TestBit(0) || exponent.BitLength < 2 || exponent.BitLength > 64)
        {
            return false;
        }

        key = new RsaPublicKey(modulus, exponent, modulusLength);
        return true;
    }

    /// <summary>
    /// EncryptedPreMasterSecret ([MS-RDPELE 5.1.4], [MS-RDPBCGR 5.3.4.1]): the little-endian premaster secret raised to
    /// e mod n, little-endian, followed by 8 zero bytes: <see cref="ModulusLength"/> + 8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The premaster secret, read as an integer, is not below the modulus.</exception>
    public byte[] EncryptPreMasterSecret(ReadOnlySpan<byte> preMasterSecret)
    {
        byte[] blob = new byte[ModulusLength + WirePaddingLength];
        if (!TryEncryptRaw(preMasterSecret, blob.AsSpan(0, ModulusLength)))
        {
            throw new ArgumentException("The premaster secret is not below the modulus.", nameof(preMasterSecret));
        }

        return blob;
    }

    /// <summary>
    /// As <see cref="EncryptPreMasterSecret"/> into <paramref name="destination"/> (at least
    /// <see cref="ModulusLength"/> + 8 bytes); false when the input is not below the modulus.
    /// </summary>
    public bool TryEncryptPreMasterSecret(ReadOnlySpan<byte> preMasterSecret, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < ModulusLength + WirePaddingLength
            || !TryEncryptRaw(preMasterSecret, destination[..ModulusLength]))
        {
            return false;
        }

        destination.Slice(ModulusLength, WirePaddingLength).Clear();
        bytesWritten = ModulusLength + WirePaddingLength;
        return true;
    }

    /// <summary>Raw RSA: <paramref name="littleEndianOutput"/> (exactly <see cref="ModulusLength"/> bytes) = input^e mod n.</summary>
    /// <exception cref="ArgumentException">The output length is wrong, or the input is not below the modulus.</exception>
    public void EncryptRaw(ReadOnlySpan<byte> littleEndianInput, Span<byte> littleEndianOutput)
    {
        if (!TryEncryptRaw(littleEndianInput, littleEndianOutput))
        {
            throw new ArgumentException("The input is not below the modulus.", nameof(littleEndianInput));
        }
    }

    /// <summary>
    /// Raw RSA as <see cref="EncryptRaw"/>, but an input whose value is not below the modulus is a failure (false),
    /// not an exception. Zero bytes past the modulus length (wire padding) are allowed.
    /// </summary>
    /// <exception cref="ArgumentException">The output is not exactly <see cref="ModulusLength"/> bytes.</exception>
    public bool TryEncryptRaw(ReadOnlySpan<byte> littleEndianInput, Span<byte> littleEndianOutput)
    {
        if (littleEndianOutput.Length != ModulusLength)
        {
            throw new ArgumentException($"The output must be {ModulusLength} bytes.", nameof(littleEndianOutput));
        }

        if (!RsaMath.TryReadBelow(littleEndianInput, Modulus, ModulusLength, out BigInteger message))
        {
            return false;
        }

        return RsaMath.TryWriteLittleEndian(message.ModPow(Exponent, Modulus), littleEndianOutput);
    }

    /// <summary>Modulus, big-endian as in an X.509 RSAPublicKey.</summary>
    public byte[] GetModulusBigEndian()
    {
        byte[] result = _modulusLittleEndian.ToArray();
        Array.Reverse(result);
        return result;
    }
}
