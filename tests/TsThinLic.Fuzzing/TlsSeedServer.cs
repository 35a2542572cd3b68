using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Fuzzing;

/// <summary>
/// Seeds for the TLS client target: what BouncyCastle's TLS server (a peer no one here wrote) sends to our client
/// drawing <see cref="FuzzRandomSource"/>'s randoms, for each key exchange and record protection the client supports.
/// Made when the corpus is made (deterministic: both sides' randomness is seeded), never stored in the repository.
/// </summary>
internal static class TlsSeedServer
{
    private static readonly (string Name, int Suite, int Group)[] s_configurations =
    [
        ("ecdhe-x25519-aes128-gcm", CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519),
        ("ecdhe-p256-aes256-gcm", CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, NamedGroup.secp256r1),
        ("ecdhe-x25519-aes128-cbc", CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, NamedGroup.x25519),
        ("ecdhe-p256-aes256-cbc", CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, NamedGroup.secp256r1),
        ("rsa-aes128-gcm", CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519),
    ];

    /// <summary>One seed per configuration whose handshake completes: the server's whole stream, then application data.</summary>
    public static IEnumerable<FuzzSeed> RecordAll()
    {
        (AsymmetricCipherKeyPair key, byte[] certificate) = SelfSignedRsaIdentity.Create(0x46757A7A, "tsthinlic-fuzz-seed-server", 1, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2045, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        foreach ((string name, int suite, int group) in s_configurations)
        {
            if (Record(key, certificate, suite, group) is { } stream)
            {
                yield return new FuzzSeed(name, stream);
            }
        }
    }

    private static byte[]? Record(AsymmetricCipherKeyPair key, byte[] certificate, int suite, int group)
    {
        var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
        random.SetSeed(0x5EED);
        var crypto = new BcTlsCrypto(random);
        var protocol = new TlsServerProtocol();
        protocol.Accept(new SeedServer(crypto, key.Private, certificate, suite, group));

        var client = new TlsClientSession(new FuzzRandomSource());
        client.Start();
        var stream = new List<byte>();
        for (int round = 0; round < 16; round++)
        {
            byte[] fromClient = client.TakeOutput();
            if (fromClient.Length > 0)
            {
                protocol.OfferInput(fromClient);
            }

            byte[] fromServer = new byte[protocol.GetAvailableOutputBytes()];
            protocol.ReadOutput(fromServer, 0, fromServer.Length);
            stream.AddRange(fromServer);
            client.OfferInput(fromServer);
            if (fromClient.Length == 0 && fromServer.Length == 0)
            {
                break;
            }
        }

        if (!client.IsHandshakeComplete)
        {
            return null;
        }

        // Application data after the handshake (what the RDP server sends next), then a close_notify.
        protocol.WriteApplicationData("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x01\x08\x00\x01\x00\x00\x00"u8.ToArray(), 0, 19);
        protocol.Close();
        byte[] tail = new byte[protocol.GetAvailableOutputBytes()];
        protocol.ReadOutput(tail, 0, tail.Length);
        stream.AddRange(tail);
        return [.. stream];
    }

    private sealed class SeedServer(BcTlsCrypto crypto, AsymmetricKeyParameter privateKey, byte[] certificate, int suite, int group) : DefaultTlsServer(crypto)
    {
        protected override int[] GetSupportedCipherSuites() => [suite];

        protected override int SelectECDH(int minimumCurveBits) => group;

        protected override TlsCredentialedSigner GetRsaSignerCredentials()
            => new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, privateKey, Chain(), SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);

        protected override TlsCredentialedDecryptor GetRsaEncryptionCredentials() => new BcDefaultTlsCredentialedDecryptor(crypto, Chain(), privateKey);

        private Certificate Chain() => new([new BcTlsCertificate(crypto, certificate)]);
    }
}
