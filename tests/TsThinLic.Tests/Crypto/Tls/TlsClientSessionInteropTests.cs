using System.Text;
using Org.BouncyCastle.Tls;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// The client against BouncyCastle's TLS server (TlsServerProtocol with a DefaultTlsServer and an RSA certificate):
/// every offered suite, each ECDHE group, extended master secret on and off, application data both ways.
/// </summary>
public sealed class TlsClientSessionInteropTests
{
    public static TheoryData<int, int, bool> SuitesGroupsAndEms()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (int suite in new[]
        {
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
            CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        })
        {
            bool ecdhe = suite >= 0xC000;
            foreach (int group in ecdhe ? new[] { NamedGroup.x25519, NamedGroup.secp256r1 } : new[] { NamedGroup.x25519 })
            {
                data.Add(suite, group, true);
                data.Add(suite, group, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SuitesGroupsAndEms))]
    public void HandshakeAndApplicationDataBothWays(int suite, int group, bool extendedMasterSecret)
    {
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = suite, Group = group, ExtendedMasterSecret = extendedMasterSecret });
        var client = new TlsClientSession(new SequenceRandomSource(0x42));

        Assert.True(client.Start());
        server.Pump(client);

        Assert.True(client.IsHandshakeComplete, client.Failure);
        Assert.True(server.Server.HandshakeComplete);
        Assert.Null(client.Failure);
        Assert.Equal(suite, client.CipherSuite);
        Assert.Equal("TLSv1.2", client.ProtocolVersion);
        Assert.Equal(BcTlsPeer.CertificateDer, Assert.Single(client.ServerCertificates));
        Assert.Equal(extendedMasterSecret, server.Server.ExtendedMasterSecretUsed);
        AssertApplicationDataFlows(server, client);
    }

    [Theory]
    [InlineData(0x0804)] // rsa_pss_rsae_sha256
    [InlineData(0x0805)] // rsa_pss_rsae_sha384
    [InlineData(0x0401)] // rsa_pkcs1_sha256
    [InlineData(0x0501)] // rsa_pkcs1_sha384
    [InlineData(0x0601)] // rsa_pkcs1_sha512
    [InlineData(0x0201)] // rsa_pkcs1_sha1
    public void EveryOfferedSignatureSchemeVerifies(int scheme)
    {
        var signature = SignatureAndHashAlgorithm.GetInstance((short)(scheme >> 8), (short)(scheme & 0xFF));
        var server = new BcTlsPeer(new BcServerOptions { Signature = signature });
        var client = new TlsClientSession(new SequenceRandomSource(0x43));

        client.Start();
        server.Pump(client);

        Assert.True(client.IsHandshakeComplete, client.Failure);
        AssertApplicationDataFlows(server, client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CertificateRequestIsAnsweredWithAnEmptyCertificate(bool rsaKeyExchange)
    {
        int suite = rsaKeyExchange ? CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256 : CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = suite, RequestClientCertificate = true });
        var client = new TlsClientSession(new SequenceRandomSource(0x44));

        client.Start();
        server.Pump(client);

        Assert.True(client.IsHandshakeComplete, client.Failure);
        Assert.True(server.Server.ClientCertificateWasEmpty);
        AssertApplicationDataFlows(server, client);
    }

    [Theory]
    [InlineData(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, NamedGroup.secp256r1)]
    [InlineData(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, NamedGroup.x25519)]
    [InlineData(CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, NamedGroup.x25519)]
    public void ByteAtATimeDeliveryCompletes(int suite, int group)
    {
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = suite, Group = group });
        var client = new TlsClientSession(new SequenceRandomSource(0x45));

        client.Start();
        server.Pump(client, byteAtATime: true);

        Assert.True(client.IsHandshakeComplete, client.Failure);
        AssertApplicationDataFlows(server, client, byteAtATime: true);
    }

    [Fact]
    public void LargeApplicationDataIsSplitIntoRecordsAndReassembled()
    {
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA });
        var client = new TlsClientSession(new SequenceRandomSource(0x46));
        client.Start();
        server.Pump(client);

        byte[] large = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        Assert.True(client.WriteApplicationData(large));
        server.Pump(client);
        Assert.Equal(large, server.TakeApplicationData());

        server.Protocol.WriteApplicationData(large, 0, large.Length);
        server.Pump(client);
        Assert.Equal(large, client.TakeApplicationData());
    }

    [Fact]
    public void CloseSendsCloseNotifyAndTheServerSeesIt()
    {
        var server = new BcTlsPeer(new BcServerOptions());
        var client = new TlsClientSession(new SequenceRandomSource(0x47));
        client.Start();
        server.Pump(client);

        client.Close();
        server.Pump(client);

        Assert.Contains((AlertLevel.warning, AlertDescription.close_notify), server.Server.AlertsReceived);
        Assert.False(client.WriteApplicationData([1, 2, 3]));
    }

    [Fact]
    public void ServerCloseNotifyEndsTheSessionAfterItsData()
    {
        var server = new BcTlsPeer(new BcServerOptions());
        var client = new TlsClientSession(new SequenceRandomSource(0x48));
        client.Start();
        server.Pump(client);

        byte[] last = Encoding.ASCII.GetBytes("last words");
        server.Protocol.WriteApplicationData(last, 0, last.Length);
        server.Protocol.Close();
        byte[] records = server.TakeOutput();

        Assert.True(client.OfferInput(records)); // the data before close_notify is not lost
        Assert.Equal(last, client.TakeApplicationData());
        Assert.Contains("close_notify", client.Failure, StringComparison.Ordinal);
        Assert.NotEmpty(client.TakeOutput()); // our own close_notify (RFC 5246 7.2.1)
        Assert.False(client.OfferInput([23, 3, 3, 0, 1, 0])); // nothing more is read
    }

    [Fact]
    public void HelloRequestDuringTheHandshakeIsIgnored()
    {
        var server = new BcTlsPeer(new BcServerOptions());
        var client = new TlsClientSession(new SequenceRandomSource(0x49));
        client.Start();

        // RFC 5246 7.4.1.1: a HelloRequest before ServerHello is ignored and not hashed into the transcript.
        Assert.True(client.OfferInput([0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00]));
        server.Pump(client);

        Assert.True(client.IsHandshakeComplete, client.Failure);
    }

    [Fact]
    public void HelloRequestAfterTheHandshakeGetsANoRenegotiationWarning()
    {
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 });
        var client = new TlsClientSession(new SequenceRandomSource(0x4A));
        client.Start();
        server.Pump(client);
        Assert.True(client.IsHandshakeComplete, client.Failure);

        // The server wrote one protected record (Finished, sequence 0); a forged HelloRequest takes sequence 1.
        byte[] keys = server.Server.KeyBlock!;
        var serverWrite = new TlsGcmRecordCipher(keys.AsSpan(16, 16), keys.AsSpan(36, 4));
        byte[] fragment = serverWrite.Encrypt(1, TlsContentType.Handshake, [0, 0, 0, 0]);
        Assert.True(client.OfferInput([0x16, 0x03, 0x03, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment]));

        byte[] reply = client.TakeOutput();
        Assert.Equal([0x15, 0x03, 0x03], reply[..3]); // an alert record
        var clientWrite = new TlsGcmRecordCipher(keys.AsSpan(0, 16), keys.AsSpan(32, 4));
        Assert.True(clientWrite.TryDecrypt(1, 0x15, 0x0303, reply.AsSpan(5), out byte[] alert));
        Assert.Equal(new byte[] { 1, 100 }, alert); // warning, no_renegotiation
        Assert.True(client.IsHandshakeComplete);
        Assert.Null(client.Failure);
    }

    private static void AssertApplicationDataFlows(BcTlsPeer server, TlsClientSession client, bool byteAtATime = false)
    {
        byte[] request = Encoding.ASCII.GetBytes("ping: an X.224 Connection Request would go here");
        Assert.True(client.WriteApplicationData(request));
        server.Pump(client, byteAtATime);
        Assert.Equal(request, server.TakeApplicationData());

        byte[] response = Encoding.ASCII.GetBytes("pong: and the server's MCS Connect Response here");
        server.Protocol.WriteApplicationData(response, 0, response.Length);
        server.Pump(client, byteAtATime);
        Assert.Equal(response, client.TakeApplicationData());
        Assert.Null(client.Failure);
    }
}
