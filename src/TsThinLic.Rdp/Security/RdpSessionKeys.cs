using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// [MS-RDPBCGR 5.3.5.1] Non-FIPS session keys of Standard RDP Security: the MAC key and the client's initial
/// encryption and decryption keys (RC4), reduced to 40 or 56 bits as [MS-RDPBCGR 5.3.5.1] says for those methods.
/// </summary>
/// <remarks>Every value here is key material: never log it.</remarks>
public sealed class RdpSessionKeys
{
    private const int RandomLength = 32;

    // [MS-RDPBCGR 5.3.5.1]: 40-bit keys keep bytes 3..7 behind a fixed 0xD1269E salt, 56-bit keys bytes 1..7 behind 0xD1.
    private static ReadOnlySpan<byte> Salt40 => [0xD1, 0x26, 0x9E];

    private RdpSessionKeys(int keyBits, byte[] macKey, byte[] encryptKey, byte[] decryptKey)
    {
        KeyBits = keyBits;
        MacKey = macKey;
        ClientEncryptKey = encryptKey;
        ClientDecryptKey = decryptKey;
    }

    /// <summary>40, 56 or 128.</summary>
    public int KeyBits { get; }

    /// <summary>MACKey40/56/128 (8 or 16 bytes).</summary>
    public ReadOnlyMemory<byte> MacKey { get; }

    /// <summary>InitialClientEncryptKey = FinalHash(Third128Bits(SessionKeyBlob)), reduced (8 or 16 bytes).</summary>
    public ReadOnlyMemory<byte> ClientEncryptKey { get; }

    /// <summary>InitialClientDecryptKey = FinalHash(Second128Bits(SessionKeyBlob)), reduced (8 or 16 bytes).</summary>
    public ReadOnlyMemory<byte> ClientDecryptKey { get; }

    /// <summary>Derives the keys for a 40-, 56- or 128-bit method.</summary>
    /// <exception cref="ArgumentException">A random is not 32 bytes, or <paramref name="keyBits"/> is not 40, 56 or 128.</exception>
    public static RdpSessionKeys Derive(int keyBits, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        if (keyBits is not (40 or 56 or 128))
        {
            throw new ArgumentException("Key size must be 40, 56 or 128 bits.", nameof(keyBits));
        }

        if (clientRandom.Length != RandomLength || serverRandom.Length != RandomLength)
        {
            throw new ArgumentException("Both randoms must be 32 bytes.");
        }

        // PreMasterSecret = First192Bits(ClientRandom) + First192Bits(ServerRandom)
        Span<byte> preMaster = stackalloc byte[48];
        clientRandom[..24].CopyTo(preMaster);
        serverRandom[..24].CopyTo(preMaster[24..]);

        // MasterSecret = PreMasterHash(0x41) + PreMasterHash(0x4242) + PreMasterHash(0x434343), with
        // SaltedHash(S, I) = MD5(S + SHA(I + S + ClientRandom + ServerRandom)).
        Span<byte> master = stackalloc byte[48];
        LicensingSessionKeys.SaltedHash(preMaster, "A"u8, clientRandom, serverRandom, master[..16]);
        LicensingSessionKeys.SaltedHash(preMaster, "BB"u8, clientRandom, serverRandom, master[16..32]);
        LicensingSessionKeys.SaltedHash(preMaster, "CCC"u8, clientRandom, serverRandom, master[32..]);

        // SessionKeyBlob = MasterHash(0x58) + MasterHash(0x5959) + MasterHash(0x5A5A5A): unlike licensing
        // ([MS-RDPELE 5.1.3]) the randoms keep their order here.
        Span<byte> blob = stackalloc byte[48];
        LicensingSessionKeys.SaltedHash(master, "X"u8, clientRandom, serverRandom, blob[..16]);
        LicensingSessionKeys.SaltedHash(master, "YY"u8, clientRandom, serverRandom, blob[16..32]);
        LicensingSessionKeys.SaltedHash(master, "ZZZ"u8, clientRandom, serverRandom, blob[32..]);

        byte[] mac = blob[..16].ToArray();
        byte[] decrypt = FinalHash(blob[16..32], clientRandom, serverRandom);
        byte[] encrypt = FinalHash(blob[32..], clientRandom, serverRandom);
        return new RdpSessionKeys(keyBits, Reduce(mac, keyBits), Reduce(encrypt, keyBits), Reduce(decrypt, keyBits));
    }

    /// <summary>[MS-RDPBCGR 5.3.7.1] Non-FIPS key update after 4096 packets: the next RC4 key from the initial and current ones.</summary>
    public static byte[] UpdateKey(ReadOnlySpan<byte> initialKey, ReadOnlySpan<byte> currentKey, int keyBits)
    {
        int length = initialKey.Length;
        Span<byte> pad = stackalloc byte[48];
        Span<byte> sha = stackalloc byte[20];
        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(initialKey);
        pad[..40].Fill(0x36);
        sha1.BlockUpdate(pad[..40]);
        sha1.BlockUpdate(currentKey);
        sha1.DoFinal(sha);

        Span<byte> md5Hash = stackalloc byte[16];
        var md5 = new MD5Digest();
        md5.BlockUpdate(initialKey);
        pad.Fill(0x5C);
        md5.BlockUpdate(pad);
        md5.BlockUpdate(sha);
        md5.DoFinal(md5Hash);

        byte[] temp = md5Hash[..length].ToArray();
        byte[] next = new byte[length];
        var rc4 = new RC4Engine();
        rc4.Init(true, new KeyParameter(temp));
        rc4.ProcessBytes(temp, 0, length, next, 0);
        return keyBits == 128 ? next : Reduce(next, keyBits);
    }

    private static byte[] FinalHash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        // FinalHash(K) = MD5(K + ClientRandom + ServerRandom)
        byte[] hash = new byte[16];
        var md5 = new MD5Digest();
        md5.BlockUpdate(key);
        md5.BlockUpdate(clientRandom);
        md5.BlockUpdate(serverRandom);
        md5.DoFinal(hash);
        return hash;
    }

    private static byte[] Reduce(byte[] key, int keyBits)
    {
        switch (keyBits)
        {
            case 40:
                byte[] k40 = key.AsSpan(0, 8).ToArray();
                Salt40.CopyTo(k40);
                return k40;
            case 56:
                byte[] k56 = key.AsSpan(0, 8).ToArray();
                k56[0] = 0xD1;
                return k56;
            default:
                return key;
        }
    }
}
