using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 8.1, 6.3, 7.4.9] The TLS 1.2 key schedule both sides compute: master_secret from the premaster secret
/// ([RFC 7627 4]: over the session hash with extended_master_secret), the key block cut into each direction's
/// record protection, and Finished.verify_data.
/// </summary>
internal static class TlsKeySchedule
{
    /// <summary>master_secret length.</summary>
    public const int MasterSecretLength = 48;

    /// <summary>Finished.verify_data length.</summary>
    public const int VerifyDataLength = 12;

    /// <summary>
    /// master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random), or with
    /// extended_master_secret PRF(pre_master_secret, "extended master secret", session_hash) where session_hash is
    /// the hash of the handshake messages through ClientKeyExchange.
    /// </summary>
    public static byte[] MasterSecret(TlsCipherSuiteInfo suite, bool extendedMasterSecret, ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, ReadOnlySpan<byte> transcript)
        => extendedMasterSecret
            ? TlsPrf.Compute(suite.UsesSha384, preMasterSecret, "extended master secret", TlsPrf.Hash(suite.UsesSha384, transcript), MasterSecretLength)
            : TlsPrf.Compute(suite.UsesSha384, preMasterSecret, "master secret", [.. clientRandom, .. serverRandom], MasterSecretLength);

    /// <summary>
    /// [RFC 5246 6.3] key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
    /// client/server MAC keys, keys and IVs, in that order; returns this side's (read, write) protections.
    /// </summary>
    public static (TlsRecordCipher Read, TlsRecordCipher Write) RecordCiphers(TlsCipherSuiteInfo suite, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, bool isClient, IRandomSource random)
    {
        // The key block is cut once, in TlsKeyBlock, which the replay's decryption of captured sessions uses too.
        (TlsRecordCipher client, TlsRecordCipher server) = TlsKeyBlock.CreateCiphers(suite, masterSecret, clientRandom, serverRandom, encryptThenMac: false, random);
        return isClient ? (server, client) : (client, server);
    }

    /// <summary>[RFC 5246 7.4.9] verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11].</summary>
    public static byte[] VerifyData(TlsCipherSuiteInfo suite, ReadOnlySpan<byte> masterSecret, string label, ReadOnlySpan<byte> transcript)
        => TlsPrf.Compute(suite.UsesSha384, masterSecret, label, TlsPrf.Hash(suite.UsesSha384, transcript), VerifyDataLength);
}
