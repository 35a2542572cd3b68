using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// [MS-RDPBCGR 5.3] The Standard RDP Security of a captured connection, opened with the server's private key: the
/// Security Exchange PDU's client random decrypted (raw RSA, little-endian [5.3.4.1]), the session keys derived from
/// it and the GCC server random ([5.3.5.1] RC4 40/56/128, [5.3.5.2] FIPS), and a cipher per direction that decrypts
/// every encrypted PDU in stream order, checking each MAC (salted or not, [5.3.6.1], [5.3.6.2]) and updating the
/// RC4 key every 4096 packets [5.3.7] as the peers did.
/// </summary>
internal sealed class StandardSecurityDecryption
{
    private StandardSecurityDecryption(string description, byte[] clientRandom, StandardSecurityCipher clientToServer, StandardSecurityCipher serverToClient, uint level)
    {
        Description = description;
        ClientRandom = clientRandom;
        ClientToServer = new StandardSecurityDirection(true, clientToServer, level >= 1);
        ServerToClient = new StandardSecurityDirection(false, serverToClient, level >= 2);
    }

    /// <summary>For example "RC4 128-bit, client random decrypted with xrdp-rsakeys.ini".</summary>
    public string Description { get; }

    /// <summary>The client random of the Security Exchange PDU.</summary>
    public byte[] ClientRandom { get; }

    /// <summary>Decrypts what the client sent.</summary>
    public StandardSecurityDirection ClientToServer { get; }

    /// <summary>Decrypts what the server sent.</summary>
    public StandardSecurityDirection ServerToClient { get; }

    /// <summary>
    /// Opens the connection's keys; null with <paramref name="note"/> saying why not (no key matches the server
    /// certificate, the client random does not decrypt, an unknown method).
    /// </summary>
    /// <param name="encryptionMethod">encryptionMethod of the GCC Server Security Data.</param>
    /// <param name="encryptionLevel">encryptionLevel of the same.</param>
    /// <param name="serverRandom">serverRandom of the same.</param>
    /// <param name="serverCertificate">serverCertificate of the same.</param>
    /// <param name="encryptedClientRandom">encryptedClientRandom of the client's Security Exchange PDU.</param>
    /// <param name="keys">The server keys given.</param>
    /// <param name="note">Why the keys could not be opened.</param>
    public static StandardSecurityDecryption? TryCreate(uint encryptionMethod, uint encryptionLevel, ReadOnlySpan<byte> serverRandom, ReadOnlySpan<byte> serverCertificate, ReadOnlySpan<byte> encryptedClientRandom, IReadOnlyList<NamedRsaKey> keys, out string note)
    {
        int keyBits = encryptionMethod switch { 1 => 40, 8 => 56, 2 => 128, 0x10 => 168, _ => 0 };
        if (keyBits == 0)
        {
            note = $"encryptionMethod 0x{encryptionMethod:x8} is not one method Standard RDP Security defines";
            return null;
        }

        if (serverRandom.Length != 32)
        {
            note = "the GCC Server Security Data has no 32-byte server random";
            return null;
        }

        // The key whose modulus is the server certificate's comes first; without a readable certificate, every key
        // is tried (a wrong one decrypts to a random tail instead of the 32 zero bytes after the client random).
        byte[]? modulus = ServerCertificate.TryDecode(serverCertificate, out ServerCertificate? certificate, out _)
            ? ServerCertificateVerification.Verify(certificate).PublicKey?.ModulusLittleEndian.ToArray()
            : null;
        var candidates = keys.OrderBy(k => modulus is not null && k.Key.PublicKey.ModulusLittleEndian.Span.SequenceEqual(modulus) ? 0 : 1).ToList();
        foreach (NamedRsaKey candidate in candidates)
        {
            if (!TryDecryptClientRandom(candidate.Key, encryptedClientRandom, out byte[] clientRandom))
            {
                continue;
            }

            (StandardSecurityCipher clientToServer, StandardSecurityCipher serverToClient) = keyBits == 168
                ? (StandardSecurityCipher.CreateFipsForServer(FipsSessionKeys.Derive(clientRandom, serverRandom)), StandardSecurityCipher.CreateFips(FipsSessionKeys.Derive(clientRandom, serverRandom)))
                : (StandardSecurityCipher.CreateRc4ForServer(RdpSessionKeys.Derive(keyBits, clientRandom, serverRandom)), StandardSecurityCipher.CreateRc4(RdpSessionKeys.Derive(keyBits, clientRandom, serverRandom)));
            string method = keyBits == 168 ? "FIPS 3DES with HMAC-SHA1" : $"RC4 {keyBits}-bit";
            note = string.Empty;
            return new StandardSecurityDecryption($"{method}, client random decrypted with {candidate.Name}", clientRandom, clientToServer, serverToClient, encryptionLevel);
        }

        note = keys.Count == 0
            ? "Standard RDP Security with encryption: give the server's private key (--server-key) to decrypt it"
            : modulus is not null && !candidates.Any(k => k.Key.PublicKey.ModulusLittleEndian.Span.SequenceEqual(modulus))
                ? $"no --server-key matches the server certificate's {modulus.Length * 8}-bit public key (tried {string.Join(", ", keys.Select(k => k.Name))}), and none decrypts the client random"
                : $"the client random does not decrypt with {string.Join(", ", keys.Select(k => k.Name))}: the Security Exchange PDU was altered, or the key is another server's";
        return null;
    }

    // [MS-RDPBCGR 5.3.4.1]: encryptedClientRandom = RSA(client random) little-endian + 8 zero bytes; the random is
    // 32 bytes, so everything above them in the decrypted value is zero.
    private static bool TryDecryptClientRandom(RsaPrivateKey key, ReadOnlySpan<byte> encrypted, out byte[] clientRandom)
    {
        clientRandom = [];
        if (encrypted.Length < key.ModulusLength || encrypted.Length > key.ModulusLength + RsaPublicKey.WirePaddingLength)
        {
            return false;
        }

        byte[] plain = new byte[key.ModulusLength];
        if (!key.TryDecryptRaw(encrypted, plain) || plain.AsSpan(32).ContainsAnyExcept((byte)0))
        {
            return false;
        }

        clientRandom = plain[..32];
        return true;
    }
}
