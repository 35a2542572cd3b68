using TsThinLic.Emulator.Serving;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// The TLS server against our own client, every suite both offer, the records pumped in memory: the handshake
/// completes, application data crosses both ways, close_notify ends it.
/// </summary>
public sealed class TlsServerSessionTests
{
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

        Assert.True(client.WriteApplicationData("hello server"u8));
        Assert.True(server.OfferInput(client.TakeOutput()), server.Failure);
        Assert.Equal("hello server"u8.ToArray(), server.TakeApplicationData());
        Assert.True(server.WriteApplicationData("hello client"u8));
        Assert.True(client.OfferInput(server.TakeOutput()), client.Failure);
        Assert.Equal("hello client"u8.ToArray(), client.TakeApplicationData());
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
}
