using System.Collections;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TsThinLic.Emulator.Serving;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// The TLS server of serve against BouncyCastle's TLS client (an implementation no one here wrote), suite by suite,
/// against our own client, and against hostile input: every prefix of a client flight waits, malformed ClientHellos
/// fail naming the field with the right alert, junk never throws.
/// </summary>
public sealed class TlsServerSessionTests
{
    public static TheoryData<int, int, bool, string> Suites => new()
    {
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519, true, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, NamedGroup.secp256r1, true, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, NamedGroup.secp256r1, false, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, NamedGroup.x25519, true, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
        { CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519, true, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
        { CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384, NamedGroup.x25519, false, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
        { CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, NamedGroup.x25519, true, "TLS_RSA_WITH_AES_128_CBC_SHA" },
    };

    [Theory]
    [MemberData(nameof(Suites))]
    public void BouncyCastlesClientCompletesEverySuiteAndDataCrossesBothWays(int suite, int group, bool extendedMasterSecret, string name)
    {
        var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x11));
        var client = new BcClient(suite, group, extendedMasterSecret);
        PumpBc(client, server);

        Assert.True(server.IsHandshakeComplete, server.Failure);
        Assert.True(client.Client.HandshakeComplete, string.Join(", ", client.Client.Alerts));
        Assert.Equal(name, server.CipherSuite);
        Assert.Equal(extendedMasterSecret, client.Client.ExtendedMasterSecret);

        client.Protocol.WriteApplicationData("from the client"u8.ToArray(), 0, 15);
        Assert.True(server.OfferInput(client.TakeOutput()), server.Failure);
        Assert.Equal("from the client"u8.ToArray(), server.TakeApplicationData());
        Assert.True(server.WriteApplicationData("from the server"u8));
        client.Protocol.OfferInput(server.TakeOutput());
        Assert.Equal("from the server"u8.ToArray(), client.TakeApplicationData());
    }

    [Fact]
    public void AClientThatSignsWithSha1OnlyGetsAnSha1Signature()
    {
        var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x12));
        var client = new BcClient(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519, true, [SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha1, SignatureAlgorithm.rsa)]);
        PumpBc(client, server);

        Assert.True(client.Client.HandshakeComplete, string.Join(", ", client.Client.Alerts));
    }

    [Fact]
    public void OurClientCompletesTheHandshakeAndDataCrossesBothWays()
    {
        var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x10));
        var client = new TlsClientSession(new SequenceRandomSource(0x20));
        Assert.True(client.Start());
        Pump(client, server);

        Assert.True(server.IsHandshakeComplete, server.Failure);
        Assert.True(client.IsHandshakeComplete, client.Failure);
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", server.CipherSuite);
        Assert.Equal(ServeTlsCredentials.Default.CertificateChain[0], client.ServerCertificates[0]);

        Assert.True(client.WriteApplicationData("hello server"u8));
        Assert.True(server.OfferInput(client.TakeOutput()), server.Failure);
        Assert.Equal("hello server"u8.ToArray(), server.TakeApplicationData());
        Assert.True(server.WriteApplicationData("hello client"u8));
        Assert.True(client.OfferInput(server.TakeOutput()), client.Failure);
        Assert.Equal("hello client"u8.ToArray(), client.TakeApplicationData());

        client.Close();
        Assert.True(server.OfferInput(client.TakeOutput()));
        Assert.Contains("close_notify", server.Failure, StringComparison.Ordinal);
        Assert.False(server.WriteApplicationData("late"u8));
    }

    [Fact]
    public void EveryPrefixOfTheClientsFirstFlightWaitsAndEverySplitCompletes()
    {
        byte[] hello = ClientHello();
        for (int length = 0; length < hello.Length; length++)
        {
            var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x13));
            Assert.True(server.OfferInput(hello.AsSpan(0, length)), $"prefix {length}: {server.Failure}");
            Assert.Empty(server.TakeOutput());
        }

        for (int split = 1; split < hello.Length; split += 7)
        {
            var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x13));
            Assert.True(server.OfferInput(hello.AsSpan(0, split)));
            Assert.True(server.OfferInput(hello.AsSpan(split)), server.Failure);
            Assert.NotEmpty(server.TakeOutput());
        }
    }

    public static TheoryData<string, byte[], string, int> MalformedClientHellos()
    {
        byte[] hello = ClientHello();
        byte[] body = hello[9..];
        return new()
        {
            { "TLS 1.0 only", Record(Handshake(1, [0x03, 0x01, .. body[2..]])), "client_version is 0x0301", 70 },
            { "no suite in common", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 2, 0x00, 0x0A, 1, 0])), "no cipher suite this server has", 40 },
            { "no null compression", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 2, 0xC0, 0x2F, 1, 1])), "does not include null", 47 },
            { "odd cipher_suites", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 3, 0xC0, 0x2F, 0, 1, 0])), "cipher_suites is malformed", 50 },
            { "session_id over 32", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 33, .. new byte[33], 0, 2, 0xC0, 0x2F, 1, 0])), "session_id is malformed", 50 },
            { "renegotiation_info not empty", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 2, 0xC0, 0x2F, 1, 0, 0, 6, 0xFF, 0x01, 0, 2, 1, 0])), "renegotiation_info is not empty", 40 },
            { "extension twice", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 2, 0x00, 0x2F, 1, 0, 0, 8, 0, 23, 0, 0, 0, 23, 0, 0])), "extension 23 twice", 50 },
            { "extensions overrun", Record(Handshake(1, [0x03, 0x03, .. new byte[32], 0, 0, 2, 0x00, 0x2F, 1, 0, 0, 9, 0, 23, 0, 0])), "extensions is malformed", 50 },
            { "cut in random", Record(Handshake(1, [0x03, 0x03, 1, 2])), "before client_version and random", 50 },
            { "Finished first", Record(Handshake(20, new byte[12])), "Finished while the server waited for ClientHello", 10 },
            { "ChangeCipherSpec first", Record([1], 20), "ChangeCipherSpec while the server waited for ClientHello", 10 },
            { "application data first", Record([1, 2, 3], 23), "application data before the handshake completed", 10 },
            { "a TPKT instead of TLS", [0x03, 0x00, 0x00, 0x0B, 0x06, 0xE0, 0, 0, 0, 0, 0], "the client's first record is not TLS", 10 },
            { "record over 2^14", [22, 3, 3, 0x40, 0x01], "declares 16385 bytes", 22 },
            { "handshake message over 64 KiB", Record([1, 0x01, 0x00, 0x01]), "declares 65537 bytes", 50 },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedClientHellos))]
    public void MalformedClientInputFailsNamingTheField(string what, byte[] input, string failure, int alert)
    {
        var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x14));

        Assert.False(server.OfferInput(input), what);
        Assert.Contains(failure, server.Failure, StringComparison.Ordinal);
        Assert.True(server.IsFailed);
        byte[] output = server.TakeOutput();
        Assert.Equal([21, 3, 3, 0, 2, 2, (byte)alert], output[^7..]); // one fatal alert record, in the clear
        Assert.False(server.OfferInput(ClientHello()), "a failed session stays failed");
    }

    [Fact]
    public void BitFlipsInTheClientsFlightsFailOrWaitButNeverThrow()
    {
        // The client's whole side of a good handshake, then every byte flipped once.
        var client = new BcClient(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519, true);
        var server = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x15));
        var flights = new List<byte>();
        PumpBc(client, server, flights);
        Assert.True(server.IsHandshakeComplete, server.Failure);
        byte[] stream = [.. flights];

        for (int i = 0; i < stream.Length; i += 3)
        {
            byte[] altered = (byte[])stream.Clone();
            altered[i] ^= 0x40;
            var fresh = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x15));
            fresh.OfferInput(altered);
            Assert.False(fresh.IsHandshakeComplete && fresh.Failure is null && i > 5 && altered.AsSpan().SequenceEqual(stream), $"byte {i}");
        }

        var random = new Random(0x5EED);
        for (int run = 0; run < 200; run++)
        {
            byte[] junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = 22;
            new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x16)).OfferInput(junk);
        }
    }

    internal static void Pump(TlsClientSession client, TlsServerSession server)
    {
        for (int round = 0; round < 10 && !(client.IsHandshakeComplete && server.IsHandshakeComplete); round++)
        {
            byte[] toServer = client.TakeOutput();
            if (toServer.Length > 0)
            {
                server.OfferInput(toServer);
            }

            byte[] toClient = server.TakeOutput();
            if (toClient.Length > 0)
            {
                client.OfferInput(toClient);
            }
        }
    }

    private static void PumpBc(BcClient client, TlsServerSession server, List<byte>? fromClient = null)
    {
        for (int round = 0; round < 10 && !(client.Client.HandshakeComplete && server.IsHandshakeComplete); round++)
        {
            byte[] toServer = client.TakeOutput();
            fromClient?.AddRange(toServer);
            if (toServer.Length > 0)
            {
                server.OfferInput(toServer);
            }

            byte[] toClient = server.TakeOutput();
            if (toClient.Length > 0)
            {
                client.Protocol.OfferInput(toClient);
            }
        }
    }

    private static byte[] ClientHello()
    {
        var client = new BcClient(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup.x25519, true);
        return client.TakeOutput();
    }

    private static byte[] Handshake(byte type, byte[] body) => [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] Record(byte[] fragment, byte type = 22) => [type, 3, 3, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment];

    /// <summary>BouncyCastle's TLS 1.2 client offering one suite, one group, EMS or not; it accepts any server certificate.</summary>
    private sealed class BcClient
    {
        public BcClient(int suite, int group, bool extendedMasterSecret, IList<SignatureAndHashAlgorithm>? signatures = null)
        {
            var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
            random.SetSeed(suite + group);
            Client = new TestClient(new BcTlsCrypto(random), suite, group, extendedMasterSecret, signatures);
            Protocol.Connect(Client);
        }

        public TlsClientProtocol Protocol { get; } = new();

        public TestClient Client { get; }

        public byte[] TakeOutput()
        {
            byte[] output = new byte[Protocol.GetAvailableOutputBytes()];
            Protocol.ReadOutput(output, 0, output.Length);
            return output;
        }

        public byte[] TakeApplicationData()
        {
            byte[] data = new byte[Protocol.GetAvailableInputBytes()];
            Protocol.ReadInput(data, 0, data.Length);
            return data;
        }
    }

    private sealed class TestClient(BcTlsCrypto crypto, int suite, int group, bool extendedMasterSecret, IList<SignatureAndHashAlgorithm>? signatures) : DefaultTlsClient(crypto)
    {
        public bool HandshakeComplete { get; private set; }

        public bool ExtendedMasterSecret { get; private set; }

        public List<string> Alerts { get; } = [];

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => [suite];

        protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => [group];

        protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() => signatures ?? base.GetSupportedSignatureAlgorithms();

        public override bool ShouldUseExtendedMasterSecret() => extendedMasterSecret;

        public override bool RequiresExtendedMasterSecret() => false;

        public override TlsAuthentication GetAuthentication() => new AcceptAnyServer();

        public override void NotifyAlertReceived(short alertLevel, short alertDescription) => Alerts.Add($"received {alertLevel}/{alertDescription}");

        public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) => Alerts.Add($"raised {alertLevel}/{alertDescription}: {message} {cause?.Message}");

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            HandshakeComplete = true;
            ExtendedMasterSecret = m_context.SecurityParameters.IsExtendedMasterSecret;
        }
    }

    private sealed class AcceptAnyServer : TlsAuthentication
    {
        public void NotifyServerCertificate(Org.BouncyCastle.Tls.TlsServerCertificate serverCertificate)
        {
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => null;
    }
}
