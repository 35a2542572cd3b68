using System.Text;
using Org.BouncyCastle.Tls;
using TsThinLic.Rdp.Tls;
using TsThinLic.Replay.Decryption;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// The probe's key log writer (<c>--keylog</c>, SSLKEYLOGFILE): the NSS line format, a sink that cannot write never
/// breaks the session, and the line it writes for a session with BouncyCastle's TLS server (a peer we did not write)
/// decrypts both directions of that session with the replay's decryptor, Finished messages included.
/// </summary>
public sealed class KeyLogWriterTests
{
    [Fact]
    public void ALineIsTheLabelTheRandomAndTheSecretInLowercaseHex()
    {
        using var stream = new MemoryStream();
        var writer = new NssKeyLogWriter(stream);

        writer.Write("CLIENT_RANDOM", [0xAB, 0x01], [0xCD, 0xEF]);

        Assert.Equal("CLIENT_RANDOM ab01 cdef\n", Encoding.ASCII.GetString(stream.ToArray()));
        Assert.Equal(1, writer.LinesWritten);
        Assert.Null(writer.Problem);
    }

    [Fact]
    public void ASinkThatCannotWriteKeepsTheReasonAndTheSessionGoesOn()
    {
        var stream = new MemoryStream();
        stream.Dispose();
        var writer = new NssKeyLogWriter(stream);
        var server = new BcTlsPeer(new BcServerOptions());
        var client = new TlsClientSession(new SequenceRandomSource(0x42), writer);

        Assert.True(client.Start());
        server.Pump(client);

        Assert.True(client.IsHandshakeComplete, client.Failure);
        Assert.NotNull(writer.Problem);
        Assert.Equal(0, writer.LinesWritten);
    }

    public static TheoryData<int, bool> Suites() => new()
    {
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, true },
        { CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, false },
        { CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, true },
        { CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, false },
    };

    [Theory]
    [MemberData(nameof(Suites))]
    public void TheLoggedMasterSecretDecryptsTheRecordedSession(int suite, bool extendedMasterSecret)
    {
        using var log = new MemoryStream();
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = suite, ExtendedMasterSecret = extendedMasterSecret });
        var client = new TlsClientSession(new SequenceRandomSource(0x42), new NssKeyLogWriter(log));
        var fromClient = new List<byte>();
        var fromServer = new List<byte>();
        Assert.True(client.Start());
        Pump(server, client, fromClient, fromServer);
        byte[] request = Encoding.ASCII.GetBytes("an MCS Connect Initial would go here");
        byte[] response = Encoding.ASCII.GetBytes("and the server's Connect Response here");
        Assert.True(client.WriteApplicationData(request));
        Pump(server, client, fromClient, fromServer);
        server.Protocol.WriteApplicationData(response, 0, response.Length);
        Pump(server, client, fromClient, fromServer);
        Assert.Equal(response, client.TakeApplicationData());

        string line = Encoding.ASCII.GetString(log.ToArray());
        Assert.Matches("^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$", line);
        TlsDecryption decrypted = TlsConnectionDecryptor.Decrypt([.. fromClient], [.. fromServer], TlsKeyLog.Parse(log.ToArray(), "probe.keylog"), (_, offset) => $"offset {offset}");

        Assert.True(decrypted.SecretsFound, string.Join("; ", decrypted.Notes));
        Assert.Empty(decrypted.Notes);
        Assert.Equal(2, decrypted.FinishedVerified);
        Assert.Equal(request, decrypted.ClientApplicationData.SelectMany(r => r.Data));
        Assert.Equal(response, decrypted.ServerApplicationData.SelectMany(r => r.Data));
    }

    private static void Pump(BcTlsPeer server, TlsClientSession client, List<byte> fromClient, List<byte> fromServer)
    {
        while (true)
        {
            byte[] clientBytes = client.TakeOutput();
            fromClient.AddRange(clientBytes);
            if (clientBytes.Length > 0)
            {
                server.Protocol.OfferInput(clientBytes);
            }

            byte[] serverBytes = server.TakeOutput();
            fromServer.AddRange(serverBytes);
            if (serverBytes.Length > 0)
            {
                client.OfferInput(serverBytes);
            }

            if (clientBytes.Length == 0 && serverBytes.Length == 0)
            {
                return;
            }
        }
    }
}
