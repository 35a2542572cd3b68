using Org.BouncyCastle.Math;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPBCGR 5.3.4.1] / [MS-RDPELE 5.1.4] Byte-order glue between the wire's little-endian integers and
/// BouncyCastle's <see cref="BigInteger"/>.
/// </summary>
internal static class RsaMath
{
    public static BigInteger FromLittleEndian(ReadOnlySpan<byte> value) => new BigInteger(1, value, bigEndian: false);

    public static BigInteger FromBigEndian(ReadOnlySpan<byte> value) => new BigInteger(1, value, bigEndian: true);

    /// <summary>Writes <paramref name="value"/> little-endian, zero-filling the rest of <paramref name="destination"/>.</summary>
    public static bool TryWriteLittleEndian(BigInteger value, Span<byte> destination)
    {
        int length = value.GetLengthofByteArrayUnsigned();
        if (length > destination.Length)
        {
            return false;
        }

        Span<byte> significant = destination[..length];
        value.ToByteArrayUnsigned(significant);
        significant.Reverse();
        destination[length..].Clear();
        return true;
    }

    /// <summary>Writes <paramref name="value"/> big-endian, right-aligned in <paramref name="destination"/> (I2OSP).</summary>
    public static bool TryWriteBigEndian(BigInteger value, Span<byte> destination)
    {
        int length = value.GetLengthofByteArrayUnsigned();
        if (length > destination.Length)
        {
            return false;
        }

        int leading = destination.Length - length;
        destination[..leading].Clear();
        value.ToByteArrayUnsigned(destination[leading..]);
        return true;
    }

    /// <summary>Little-endian bytes of <paramref name="value"/>, exactly <paramref name="length"/> long.</summary>
    public static byte[] ToLittleEndian(BigInteger value, int length)
    {
        byte[] result = new byte[length];
        if (!TryWriteLittleEndian(value, result))
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        return result;
    }

    /// <summary>
    /// The value of a little-endian integer is below the one of <paramref name="modulus"/>; bytes past the modulus
    /// length must be zero (they are the wire's padding), so a padded blob is read as the integer it denotes.
    /// </summary>
    public static bool TryReadBelow(ReadOnlySpan<byte> littleEndian, BigInteger modulus, int modulusLength, out BigInteger value)
    {
        if (littleEndian.Length > modulusLength && littleEndian[modulusLength..].ContainsAnyExcept((byte)0))
        {
            value = BigInteger.Zero;
            return false;
        }

        value = FromLittleEndian(littleEndian.Length > modulusLength ? littleEndian[..modulusLength] : littleEndian);
        return value.CompareTo(modulus) < 0;
    }
}
