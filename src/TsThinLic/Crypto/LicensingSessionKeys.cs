using Org.BouncyCastle.Crypto.Digests;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 5.1.3] Generating the Licensing Encryption and MAC Salt Keys: the master secret, session key blob,
/// MAC salt key and licensing encryption key both ends derive from the premaster secret and the two randoms.
/// </summary>
/// <remarks>Every value here is key material: never log it.</remarks>
public sealed class LicensingSessionKeys
{
    /// <summary>PreMasterSecret length, in bytes.</summary>
    public const int PreMasterSecretLength = 48;

    /// <summary>ClientRandom / ServerRandom length, in bytes.</summary>
    public const int RandomLength = 32;

    private const int Md5Length = 16;
    private const int Sha1Length = 20;

    // MS-RDPELE 5.1.3: the three salts of PremasterHash / MasterHash.
    private static ReadOnlySpan<byte> SaltA => "A"u8;
    private static ReadOnlySpan<byte> SaltBB => "BB"u8;
    private static ReadOnlySpan<byte> SaltCCC => "CCC"u8;

    private LicensingSessionKeys(byte[] masterSecret, byte[] sessionKeyBlob, byte[] licensingEncryptionKey)
    {
        MasterSecret = masterSecret;
        SessionKeyBlob = sessionKeyBlob;
        MacSaltKey = new ReadOnlyMemory<byte>(sessionKeyBlob, 0, Md5Length);
        LicensingEncryptionKey = licensingEncryptionKey;
    }

    /// <summary>MasterSecret = PremasterHash("A") + PremasterHash("BB") + PremasterHash("CCC"); 48 bytes.</summary>
    public ReadOnlyMemory<byte> MasterSecret { get; }

    /// <summary>SessionKeyBlob = MasterHash("A") + MasterHash("BB") + MasterHash("CCC"); 48 bytes.</summary>
    public ReadOnlyMemory<byte> SessionKeyBlob { get; }

    /// <summary>MAC salt key: the first 16 bytes of the session key blob.</summary>
    public ReadOnlyMemory<byte> MacSaltKey { get; }

    /// <summary>Licensing encryption key (RC4): MD5(SessionKeyBlob[16..32) + ClientRandom + ServerRandom); 16 bytes.</summary>
    public ReadOnlyMemory<byte> LicensingEncryptionKey { get; }

    /// <summary>Derives the licensing keys.</summary>
    /// <exception cref="ArgumentException">An input does not have its fixed length (48, 32, 32).</exception>
    public static LicensingSessionKeys Derive(ReadOnlySpan<byte> preMasterSecret48, ReadOnlySpan<byte> clientRandom32, ReadOnlySpan<byte> serverRandom32)
    {
        if (preMasterSecret48.Length != PreMasterSecretLength)
        {
            throw new ArgumentException($"The premaster secret must be {PreMasterSecretLength} bytes.", nameof(preMasterSecret48));
        }

        if (clientRandom32.Length != RandomLength)
        {
            throw new ArgumentException($"The client random must be {RandomLength} bytes.", nameof(clientRandom32));
        }

        if (serverRandom32.Length != RandomLength)
        {
            throw new ArgumentException($"The server random must be {RandomLength} bytes.", nameof(serverRandom32));
        }

        byte[] masterSecret = new byte[3 * Md5Length];
        // PremasterHash(S) = SaltedHash(PremasterSecret, S, ClientRandom, ServerRandom)
        SaltedHash(preMasterSecret48, SaltA, clientRandom32, serverRandom32, masterSecret.AsSpan(0, Md5Length));
        SaltedHash(preMasterSecret48, SaltBB, clientRandom32, serverRandom32, masterSecret.AsSpan(Md5Length, Md5Length));
        SaltedHash(preMasterSecret48, SaltCCC, clientRandom32, serverRandom32, masterSecret.AsSpan(2 * Md5Length, Md5Length));

        byte[] sessionKeyBlob = new byte[3 * Md5Length];
        // MasterHash(S) = SaltedHash(MasterSecret, S, ServerRandom, ClientRandom): the randoms swap places.
        SaltedHash(masterSecret, SaltA, serverRandom32, clientRandom32, sessionKeyBlob.AsSpan(0, Md5Length));
        SaltedHash(masterSecret, SaltBB, serverRandom32, clientRandom32, sessionKeyBlob.AsSpan(Md5Length, Md5Length));
        SaltedHash(masterSecret, SaltCCC, serverRandom32, clientRandom32, sessionKeyBlob.AsSpan(2 * Md5Length, Md5Length));

        byte[] licensingEncryptionKey = new byte[Md5Length];
        var md5 = new MD5Digest();
        md5.BlockUpdate(sessionKeyBlob.AsSpan(Md5Length, Md5Length));
        md5.BlockUpdate(clientRandom32);
        md5.BlockUpdate(serverRandom32);
        md5.DoFinal(licensingEncryptionKey);

        return new LicensingSessionKeys(masterSecret, sessionKeyBlob, licensingEncryptionKey);
    }

    /// <summary>SaltedHash(S, I, R1, R2) = MD5(S + SHA1(I + S + R1 + R2)), written to the first 16 bytes of <paramref name="destination"/>.</summary>
    internal static void SaltedHash(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> random1, ReadOnlySpan<byte> random2, Span<byte> destination)
    {
        Span<byte> sha1Hash = stackalloc byte[Sha1Length];
        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(salt);
        sha1.BlockUpdate(secret);
        sha1.BlockUpdate(random1);
        sha1.BlockUpdate(random2);
        sha1.DoFinal(sha1Hash);

        var md5 = new MD5Digest();
        md5.BlockUpdate(secret);
        md5.BlockUpdate(sha1Hash);
        md5.DoFinal(destination);
        sha1Hash.Clear();
    }
}
