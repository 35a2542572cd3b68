using System.Security.Cryptography;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 6.3] TLS 1.2 key expansion: key_block = PRF(master_secret, "key expansion", server_random +
/// client_random), cut into client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key,
/// client_write_IV, server_write_IV, and the record ciphers built from them. The probe's session and the replay's
/// decryption of a captured session (master secret from a key log) both come through here.
/// </summary>
internal static class TlsKeyBlock
{
    /// <summary>The record protection of each direction.</summary>
    /// <param name="suite">The negotiated suite.</param>
    /// <param name="masterSecret">The 48-byte master secret.</param>
    /// <param name="clientRandom">ClientHello.random.</param>
    /// <param name="serverRandom">ServerHello.random.</param>
    /// <param name="encryptThenMac">Both peers agreed to encrypt_then_mac [RFC 7366] (CBC suites only).</param>
    /// <param name="random">CBC IVs for encryption; null for decrypt-only ciphers.</param>
    public static (TlsRecordCipher Client, TlsRecordCipher Server) CreateCiphers(TlsCipherSuiteInfo suite, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, bool encryptThenMac, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(suite);
        int macLength = suite.MacKeyLength;
        int keyLength = suite.KeyLength;
        int ivLength = suite.FixedIvLength;
        byte[] keyBlock = TlsPrf.Compute(suite.UsesSha384, masterSecret, "key expansion", [.. serverRandom, .. clientRandom], 2 * (macLength + keyLength + ivLength));
        try
        {
            ReadOnlySpan<byte> block = keyBlock;
            ReadOnlySpan<byte> clientMac = block.Slice(0, macLength);
            ReadOnlySpan<byte> serverMac = block.Slice(macLength, macLength);
            ReadOnlySpan<byte> clientKey = block.Slice(2 * macLength, keyLength);
            ReadOnlySpan<byte> serverKey = block.Slice((2 * macLength) + keyLength, keyLength);
            ReadOnlySpan<byte> clientIv = block.Slice(2 * (macLength + keyLength), ivLength);
            ReadOnlySpan<byte> serverIv = block.Slice((2 * (macLength + keyLength)) + ivLength, ivLength);
            return suite.Protection switch
            {
                TlsRecordProtection.AesGcm => (new TlsGcmRecordCipher(clientKey, clientIv), new TlsGcmRecordCipher(serverKey, serverIv)),
                TlsRecordProtection.AesCbc => (
                    new TlsCbcRecordCipher(clientKey, clientMac, macLength, encryptThenMac, random),
                    new TlsCbcRecordCipher(serverKey, serverMac, macLength, encryptThenMac, random)),
                _ => (
                    new TlsAeadRecordCipher(suite.Protection, clientKey, clientIv, tls13: false),
                    new TlsAeadRecordCipher(suite.Protection, serverKey, serverIv, tls13: false)),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBlock);
        }
    }
}
