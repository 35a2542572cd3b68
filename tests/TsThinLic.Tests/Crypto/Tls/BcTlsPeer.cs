using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TsThinLic.Fuzzing;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>What the BouncyCastle TLS server of a test does.</summary>
internal sealed record BcServerOptions
{
    public int CipherSuite { get; init; } = Org.BouncyCastle.Tls.CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;

    /// <summary>The NamedGroup the server picks for ECDHE.</summary>
    public int Group { get; init; } = NamedGroup.x25519;

    public SignatureAndHashAlgorithm Signature { get; init; } = SignatureAndHashAlgorithm.rsa_pss_rsae_sha256;

    public bool ExtendedMasterSecret { get; init; } = true;

    public bool RequestClientCertificate { get; init; }
}

/// <summary>
/// BouncyCastle's TLS server (a DefaultTlsServer with an RSA certificate) as the peer no one here wrote, run
/// in-process and non-blocking; deterministic when its random generator is seeded.
/// </summary>
internal sealed class BcTlsPeer
{
    private static readonly Lazy<(AsymmetricCipherKeyPair Key, byte[] Certificate)> s_identity = new(CreateIdentity);

    public BcTlsPeer(BcServerOptions options, long seed = 1)
    {
        var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
        random.SetSeed(seed);
        Server = new TestServer(new BcTlsCrypto(random), options);
        Protocol.Accept(Server);
    }

    public TlsServerProtocol Protocol { get; } = new();

    public TestServer Server { get; }

    /// <summary>The server certificate (DER): a self-signed 2048-bit RSA certificate made once per test run.</summary>
    public static byte[] CertificateDer => s_identity.Value.Certificate;

    public static AsymmetricKeyParameter PrivateKey => s_identity.Value.Key.Private;

    public static RsaKeyParameters PublicKey => (RsaKeyParameters)s_identity.Value.Key.Public;

    /// <summary>Everything the server sent so far.</summary>
    public byte[] TakeOutput()
    {
        int available = Protocol.GetAvailableOutputBytes();
        byte[] output = new byte[available];
        if (available > 0)
        {
            Protocol.ReadOutput(output, 0, available);
        }

        return output;
    }

    public byte[] TakeApplicationData()
    {
        int available = Protocol.GetAvailableInputBytes();
        byte[] data = new byte[available];
        if (available > 0)
        {
            Protocol.ReadInput(data, 0, available);
        }

        return data;
    }

    /// <summary>
    /// Moves bytes both ways until neither side has anything to send; <paramref name="toClient"/> records what the
    /// server sent. With <paramref name="byteAtATime"/> every byte is offered on its own.
    /// </summary>
    public void Pump(TlsClientSession client, bool byteAtATime = false, List<byte>? toClient = null)
    {
        while (true)
        {
            byte[] fromClient = client.TakeOutput();
            if (fromClient.Length > 0)
            {
                Protocol.OfferInput(fromClient);
            }

            byte[] fromServer = TakeOutput();
            toClient?.AddRange(fromServer);
            if (byteAtATime)
            {
                foreach (byte b in fromServer)
                {
                    client.OfferInput([b]);
                }
            }
            else if (fromServer.Length > 0)
            {
                client.OfferInput(fromServer);
            }

            if (fromClient.Length == 0 && fromServer.Length == 0)
            {
                return;
            }
        }
    }

    private static (AsymmetricCipherKeyPair, byte[]) CreateIdentity()
        => SelfSignedRsaIdentity.Create(0x7453_5468_696E_4C69, "tsthinlic-test-rdp-server", 0x5453, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2044, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    internal sealed class TestServer(BcTlsCrypto crypto, BcServerOptions options) : DefaultTlsServer(crypto)
    {
        private readonly BcTlsCrypto _crypto = crypto;

        public bool HandshakeComplete { get; private set; }

        public bool ExtendedMasterSecretUsed { get; private set; }

        public bool? ClientCertificateWasEmpty { get; private set; }

        public List<(short Level, short Description)> AlertsReceived { get; } = [];

        /// <summary>client_write then server_write key and IV, for a test that forges server records.</summary>
        public byte[]? KeyBlock { get; private set; }

        public override bool ShouldUseExtendedMasterSecret() => options.ExtendedMasterSecret;

        protected override int[] GetSupportedCipherSuites() => [options.CipherSuite];

        protected override int SelectECDH(int minimumCurveBits) => options.Group;

        public override CertificateRequest? GetCertificateRequest()
            => options.RequestClientCertificate
                ? new CertificateRequest([ClientCertificateType.rsa_sign], [SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa)], null)
                : null;

        public override void NotifyClientCertificate(Certificate clientCertificate) => ClientCertificateWasEmpty = clientCertificate.IsEmpty;

        public override void NotifyAlertReceived(short alertLevel, short alertDescription) => AlertsReceived.Add((alertLevel, alertDescription));

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            HandshakeComplete = true;

            // GCM suites only: client_write_key, server_write_key, client_write_IV, server_write_IV (RFC 5246 6.3).
            SecurityParameters parameters = m_context.SecurityParameters;
            ExtendedMasterSecretUsed = parameters.IsExtendedMasterSecret;
            int keyLength = options.CipherSuite is Org.BouncyCastle.Tls.CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or Org.BouncyCastle.Tls.CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384 ? 32 : 16;
            KeyBlock = parameters.MasterSecret.DeriveUsingPrf(parameters.PrfAlgorithm, "key expansion", (byte[])[.. parameters.ServerRandom, .. parameters.ClientRandom], 2 * (keyLength + 4)).Extract();
        }

        protected override TlsCredentialedSigner GetRsaSignerCredentials()
            => new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, PrivateKey, ServerCertificate(), options.Signature);

        protected override TlsCredentialedDecryptor GetRsaEncryptionCredentials()
            => new BcDefaultTlsCredentialedDecryptor(_crypto, ServerCertificate(), PrivateKey);

        private Certificate ServerCertificate() => new([new BcTlsCertificate(_crypto, CertificateDer)]);
    }
}
