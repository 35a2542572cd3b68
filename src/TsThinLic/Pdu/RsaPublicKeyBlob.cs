namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3.1.1.1] RSA Public Key (RSA_PUBLIC_KEY): magic ("RSA1"), keylen, bitlen, datalen, pubExp,
/// modulus. The modulus is little-endian and keeps the 8 zero bytes of padding that follow it on the wire, so
/// <see cref="KeyLength"/> equals the modulus length.
/// </summary>
public sealed class RsaPublicKeyBlob
{
    /// <summary>magic: "RSA1" read as a little-endian 32-bit integer.</summary>
    public const uint MagicRsa1 = 0x31415352;

    /// <summary>The zero bytes that follow the modulus on the wire.</summary>
    public const int ModulusPaddingLength = 8;

    public const int FixedLength = 4 /* magic */ + 4 /* keylen */ + 4 /* bitlen */ + 4 /* datalen */ + 4 /* pubExp */;

    /// <exception cref="ArgumentOutOfRangeException">The modulus is longer than <see cref="LicensingLimits.MaxRsaKeyLength"/>.</exception>
    public RsaPublicKeyBlob(uint magic, uint bitLength, uint dataLength, uint publicExponent, ReadOnlyMemory<byte> modulus)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(modulus.Length, LicensingLimits.MaxRsaKeyLength, nameof(modulus));
        Magic = magic;
        BitLength = bitLength;
        DataLength = dataLength;
        PublicExponent = publicExponent;
        Modulus = modulus;
    }

    /// <summary>magic.</summary>
    public uint Magic { get; }

    /// <summary>keylen: modulus bytes including the 8 bytes of padding.</summary>
    public uint KeyLength => (uint)Modulus.Length;

    /// <summary>bitlen: the key size in bits.</summary>
    public uint BitLength { get; }

    /// <summary>datalen: the most bytes that can be encrypted (bitlen / 8 - 1).</summary>
    public uint DataLength { get; }

    /// <summary>pubExp.</summary>
    public uint PublicExponent { get; }

    /// <summary>modulus: little-endian, padding included.</summary>
    public ReadOnlyMemory<byte> Modulus { get; }

    public int EncodedLength => FixedLength + Modulus.Length;

    /// <summary>
    /// A key blob as Windows writes it: the modulus (little-endian, without padding) gets 8 zero bytes, bitlen is its
    /// bit size and datalen bitlen / 8 - 1.
    /// </summary>
    public static RsaPublicKeyBlob FromModulus(ReadOnlySpan<byte> modulusLittleEndian, uint publicExponent)
    {
        byte[] padded = new byte[modulusLittleEndian.Length + ModulusPaddingLength];
        modulusLittleEndian.CopyTo(padded);
        uint bitLength = (uint)modulusLittleEndian.Length * 8;
        return new RsaPublicKeyBlob(MagicRsa1, bitLength, Math.Max(bitLength / 8, 1) - 1, publicExponent, padded);
    }

    internal static bool TryRead(ref WireReader reader, out RsaPublicKeyBlob? blob)
    {
        blob = null;
        int magicOffset = reader.Offset;
        if (!reader.TryReadUInt32("magic", out uint magic))
        {
            return false;
        }

        if (magic != MagicRsa1)
        {
            reader.Fail(DecodeErrorKind.InvalidValue, "magic", magicOffset, $"0x{magic:X8} is not RSA1 (0x{MagicRsa1:X8})");
            return false;
        }

        // keylen is followed by bitlen, datalen and pubExp before the modulus it sizes.
        if (!reader.TryReadLength32("keylen", LicensingLimits.MaxRsaKeyLength, out int keyLength, gap: 12)
            || !reader.TryReadUInt32("bitlen", out uint bitLength)
            || !reader.TryReadUInt32("datalen", out uint dataLength)
            || !reader.TryReadUInt32("pubExp", out uint exponent)
            || !reader.TryReadBytes("modulus", keyLength, out ReadOnlyMemory<byte> modulus))
        {
            return false;
        }

        blob = new RsaPublicKeyBlob(magic, bitLength, dataLength, exponent, modulus);
        return true;
    }

    internal void Write(ref WireWriter writer)
    {
        writer.WriteUInt32(Magic);
        writer.WriteUInt32(KeyLength);
        writer.WriteUInt32(BitLength);
        writer.WriteUInt32(DataLength);
        writer.WriteUInt32(PublicExponent);
        writer.WriteBytes(Modulus.Span);
    }
}
