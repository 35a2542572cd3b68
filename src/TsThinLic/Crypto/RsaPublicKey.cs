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
    /// <summary>Smallest modulus accepted: 512 bits, what a proprietary certificate carries ([MS-RDPBCGR 5.3.3.1]).</summary>
    public const int MinimumKeyBits = 512;

    /// <summary>Largest modulus accepted.</summary>
    public const int MaximumKeyBits = 16384;

    /// <summary>The EncryptedPreMasterSecret blob carries 8 zero bytes after the ciphertext ([MS-RDPBCGR 5.3.4.1]).</summary>
    public const int WirePaddingLength = 8;

    private readonly byte[] _modulusLittleEndian;

    private RsaPublicKey(BigInteger modulus, BigInteger exponent)
    {
        Modulus = modulus;
        Exponent = exponent;
        KeyBits = modulus.BitLength;
        ModulusLength = (KeyBits + 7) / 8;
        PublicExponent = (ulong)exponent.LongValue;
        _modulusLittleEndian = RsaMath.ToLittleEndian(modulus, ModulusLength);
    }

    /// <summary>Modulus length in bytes, without wire padding.</summary>
    public int ModulusLength { get; }

    /// <summary>Modulus length in bits.</summary>
    public int KeyBits { get; }

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
        => TryCreate(RsaMath.FromLittleEndian(modulusLittleEndian), BigInteger.ValueOf(publicExponent), out key);

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

        return TryCreate(RsaMath.FromBigEndian(modulus), RsaMath.FromBigEndian(exponent), out key);
    }

    internal static bool TryCreate(BigInteger modulus, BigInteger exponent, [NotNullWhen(true)] out RsaPublicKey? key)
    {
        key = null;
        if (modulus.SignValue <= 0 || !modulus.TestBit(0) || modulus.BitLength < MinimumKeyBits || modulus.BitLength > MaximumKeyBits)
        {
            return false;
        }

        if (!exponent.TestBit(0) || exponent.BitLength < 2 || exponent.BitLength > 64)
        {
            return false;
        }

        key = new RsaPublicKey(modulus, exponent);
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
