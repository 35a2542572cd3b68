using Org.BouncyCastle.Crypto.Digests;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// [MS-RDPBCGR 5.3.5.2] FIPS session keys of Standard RDP Security: 168-bit Triple DES keys expanded to 192 bits
/// with odd parity, and the 160-bit HMAC-SHA1 key.
/// </summary>
/// <remarks>Every value here is key material: never log it.</remarks>
public sealed class FipsSessionKeys
{
    private FipsSessionKeys(byte[] encrypt, byte[] decrypt, byte[] hmac)
    {
        ClientEncryptKey = encrypt;
        ClientDecryptKey = decrypt;
        HmacKey = hmac;
    }

    /// <summary>ClientEncryptKey, 24 bytes.</summary>
    public ReadOnlyMemory<byte> ClientEncryptKey { get; }

    /// <summary>ClientDecryptKey, 24 bytes.</summary>
    public ReadOnlyMemory<byte> ClientDecryptKey { get; }

    /// <summary>HMACKey, 20 bytes.</summary>
    public ReadOnlyMemory<byte> HmacKey { get; }

    /// <summary>Derives the keys from the two 32-byte randoms.</summary>
    public static FipsSessionKeys Derive(ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        if (clientRandom.Length != 32 || serverRandom.Length != 32)
        {
            throw new ArgumentException("Both randoms must be 32 bytes.");
        }

        // ClientEncryptKeyT = SHA(Last128Bits(ClientRandom) + Last128Bits(ServerRandom))
        // ClientDecryptKeyT = SHA(First128Bits(ClientRandom) + First128Bits(ServerRandom))
        byte[] encryptT = Sha1(clientRandom[16..], serverRandom[16..]);
        byte[] decryptT = Sha1(clientRandom[..16], serverRandom[..16]);

        // HMACKey = SHA(ClientDecryptKeyT + ClientEncryptKeyT): the server computes SHA(ServerEncryptKeyT +
        // ServerDecryptKeyT), the same bytes seen from its side.
        byte[] hmac = Sha1(decryptT, encryptT);
        return new FipsSessionKeys(Expand(encryptT), Expand(decryptT), hmac);
    }

    /// <summary>
    /// 160-bit key + its first byte = 168 bits, then a zero bit after every seven bits (192 bits), then odd parity
    /// in each byte's least significant bit ([MS-RDPBCGR 5.3.5.2]).
    /// </summary>
    internal static byte[] Expand(ReadOnlySpan<byte> key160)
    {
        Span<byte> key168 = stackalloc byte[21];
        key160.CopyTo(key168);
        key168[20] = key160[0];

        // Reverse each byte, insert a zero bit after every seven, reverse each byte again: output byte i holds
        // bits 7i..7i+6 of the key read least significant bit first, in its bits 0..6. Then bit 0 is set so the
        // byte has odd parity (the spec alters the least significant bit; DES ignores it).
        byte[] result = new byte[24];
        for (int i = 0; i < 24; i++)
        {
            int value = 0;
            for (int k = 0; k < 7; k++)
            {
                int n = (i * 7) + k;
                value |= ((key168[n / 8] >> (n % 8)) & 1) << k;
            }

            value &= 0xFE;
            if (System.Numerics.BitOperations.PopCount((uint)value) % 2 == 0)
            {
                value |= 1;
            }

            result[i] = (byte)value;
        }

        return result;
    }

    private static byte[] Sha1(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        byte[] hash = new byte[20];
        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(a);
        sha1.BlockUpdate(b);
        sha1.DoFinal(hash);
        return hash;
    }
}
