using Org.BouncyCastle.Tls;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// Server input that is cut, split, altered or made up: the session fails with a message naming the field and the
/// fatal alert RFC 5246 asks for, or waits for more; it never throws and never completes on altered input.
/// </summary>
public sealed class TlsClientSessionHostileInputTests
{
    private const byte ClientRandomSeed = 0x5A;

    /// <summary>All the server sent in one deterministic handshake (both flights), and the suite it used.</summary>
    private static readonly Lazy<byte[]> s_serverStream = new(() => RecordServerStream(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, NamedGroup.x25519));

    [Fact]
    public void TheRecordedServerStreamReplaysToAFreshClient()
    {
        TlsClientSession client = Replay(s_serverStream.Value);

        Assert.True(client.IsHandshakeComplete, client.Failure);
    }

    [Fact]
    public void EveryPrefixWaitsForMoreWithoutFailing()
    {
        byte[] stream = s_serverStream.Value;
        for (int length = 0; length < stream.Length; length++)
        {
            TlsClientSession client = Replay(stream[..length]);

            Assert.False(client.IsHandshakeComplete, $"complete after {length} of {stream.Length} bytes");
            Assert.True(client.Failure is null, $"prefix of {length} bytes: {client.Failure}");
        }
    }

    [Fact]
    public void EverySplitPointCompletes()
    {
        byte[] stream = s_serverStream.Value;
        for (int split = 0; split <= stream.Length; split++)
        {
            var client = new TlsClientSession(new SequenceRandomSource(ClientRandomSeed));
            client.Start();
            client.OfferInput(stream[..split]);
            client.OfferInput(stream[split..]);

            Assert.True(client.IsHandshakeComplete, $"split at {split}: {client.Failure}");
        }
    }

    [Fact]
    public void EveryBitFlipFailsOrWaitsButNeverCompletes()
    {
        byte[] stream = s_serverStream.Value;
        HashSet<int> lenientBytes = PlaintextRecordVersionMinors(stream);
        for (int index = 0; index < stream.Length; index++)
        {
            byte[] altered = (byte[])stream.Clone();
            altered[index] ^= (byte)(1 << (index % 8));

            TlsClientSession client = Replay(altered);

            // A record's minor version is not checked before encryption starts (RFC 5246 E.1: any {03,xx} is read).
            if (!lenientBytes.Contains(index))
            {
                Assert.False(client.IsHandshakeComplete, $"completed with bit {index % 8} of byte {index} flipped");
            }
        }
    }

    [Fact]
    public void P256FlightWithBitFlipsFailsButNeverThrows()
    {
        byte[] stream = RecordServerStream(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, NamedGroup.secp256r1);
        Assert.True(Replay(stream).IsHandshakeComplete);
        HashSet<int> lenientBytes = PlaintextRecordVersionMinors(stream);
        for (int index = 0; index < stream.Length; index += 13)
        {
            byte[] altered = (byte[])stream.Clone();
            altered[index] ^= 0x40;
            if (!lenientBytes.Contains(index))
            {
                Assert.False(Replay(altered).IsHandshakeComplete, $"completed with byte {index} altered");
            }
        }
    }

    public static TheoryData<string, byte[], string, int> MalformedFlights()
    {
        byte[] certificate = Handshake(11, CertificateList(BcTlsPeer.CertificateDer));
        byte[] ske = Handshake(12, [3, 0, 29, 32, .. new byte[32], 0x08, 0x04, 0x01, 0x00, .. new byte[256]]);
        return new TheoryData<string, byte[], string, int>
        {
            { "TLS 1.1 ServerHello", Record(22, ServerHello(version: 0x0302)), "ServerHello.server_version is 0x0302", 70 },
            { "suite not offered", Record(22, ServerHello(suite: 0x0005)), "ServerHello.cipher_suite 0x0005 was not offered", 47 },
            { "compression", Record(22, ServerHello(compression: 1)), "ServerHello.compression_method 1", 47 },
            { "session_ticket extension", Record(22, ServerHello(extensions: [0x00, 0x23, 0x00, 0x00])), "extension 35, which was not offered", 110 },
            { "renegotiation_info not empty", Record(22, ServerHello(extensions: [0xFF, 0x01, 0x00, 0x02, 0x01, 0x00])), "renegotiation_info is not empty", 40 },
            { "extension twice", Record(22, ServerHello(extensions: [0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00])), "extension 23 twice", 50 },
            { "extensions overrun", Record(22, ServerHello(extensions: [0x00, 0x17, 0x00, 0x05])), "ServerHello.extensions is malformed", 50 },
            { "ec_point_formats without uncompressed", Record(22, ServerHello(extensions: [0x00, 0x0B, 0x00, 0x02, 0x01, 0x01])), "ec_point_formats does not include uncompressed", 47 },
            { "ServerHello cut in random", Record(22, Handshake(2, [0x03, 0x03, 1, 2, 3])), "ServerHello ends inside random", 50 },
            { "session_id over 32 bytes", Record(22, Handshake(2, [0x03, 0x03, .. new byte[32], 33, .. new byte[33], 0xC0, 0x2F, 0])), "ServerHello.session_id is malformed", 50 },
            { "eleven certificates", Record(22, [.. ServerHello(), .. Handshake(11, CertificateList([.. Enumerable.Repeat(BcTlsPeer.CertificateDer, 11)]))]), "more than 10 certificates", 42 },
            { "no certificate", Record(22, [.. ServerHello(), .. Handshake(11, [0, 0, 0])]), "Certificate.certificate_list is empty", 40 },
            { "certificate not DER", Record(22, [.. ServerHello(), .. Handshake(11, CertificateList([0x30, 0x03, 0x02, 0x01, 0x01]))]), "has no usable RSA key", 42 },
            { "certificate_list overrun", Record(22, [.. ServerHello(), .. Handshake(11, [0, 0, 6, 0, 0, 6, 1, 2, 3])]), "certificate_list entry 0 is truncated", 50 },
            { "certificate_list length wrong", Record(22, [.. ServerHello(), .. Handshake(11, [0, 0, 1, 0, 0])]), "Certificate.certificate_list length does not match", 50 },
            { "handshake message over 64 KiB", Record(22, [11, 0x01, 0x00, 0x01]), "declares 65537 bytes", 50 },
            { "record over 2^14", [22, 3, 3, 0x40, 0x01], "declares 16385 bytes", 22 },
            { "not TLS at all", "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), "the server's answer is not TLS", 10 },
            { "not a TLS version", [22, 2, 0, 0, 1, 0], "version 0x0200, not TLS", 70 },
            { "application data first", Record(23, [1, 2, 3]), "application data before the handshake completed", 10 },
            { "ChangeCipherSpec first", Record(20, [1]), "ChangeCipherSpec while the client waited for ServerHello", 10 },
            { "Finished first", Record(22, Handshake(20, new byte[12])), "Finished while the client waited for ServerHello", 10 },
            { "empty handshake record", Record(22, []), "empty handshake record", 10 },
            { "half an alert", Record(21, [2]), "not whole alerts", 50 },
            { "alert level 3", Record(21, [3, 40]), "alert has the level 3", 47 },
            { "curve not offered", Record(22, [.. ServerHello(), .. certificate, .. Handshake(12, [3, 0, 24, 97, .. new byte[97]])]), "namedcurve 24 was not offered", 47 },
            { "explicit curve", Record(22, [.. ServerHello(), .. certificate, .. Handshake(12, [1, 0, 29, 32, .. new byte[32]])]), "curve_type is 1", 47 },
            { "x25519 point of 31 bytes", Record(22, [.. ServerHello(), .. certificate, .. Handshake(12, [3, 0, 29, 31, .. new byte[31]])]), "public is 31 bytes", 47 },
            { "signature scheme not offered", Record(22, [.. ServerHello(), .. certificate, .. Handshake(12, [3, 0, 29, 32, .. new byte[32], 0x04, 0x03, 0x00, 0x00])]), "algorithm 0x0403 was not offered", 47 },
            { "signature does not verify", Record(22, [.. ServerHello(), .. certificate, .. ske]), "ServerKeyExchange signature (0x0804) does not verify", 51 },
            { "signature overrun", Record(22, [.. ServerHello(), .. certificate, .. Handshake(12, [3, 0, 29, 32, .. new byte[32], 0x08, 0x04, 0x01, 0x00, 1, 2])]), "signed_params.signature length", 50 },
            { "ServerKeyExchange in an RSA suite", Record(22, [.. ServerHello(suite: 0x002F), .. certificate, .. ske]), "ServerKeyExchange while the client waited for CertificateRequest or ServerHelloDone", 10 },
            { "ServerHelloDone not empty", Record(22, [.. ServerHello(suite: 0x002F), .. certificate, .. Handshake(14, [0])]), "ServerHelloDone is not empty", 50 },
            { "CertificateRequest without types", Record(22, [.. ServerHello(suite: 0x002F), .. certificate, .. Handshake(13, [0, 0, 2, 4, 1, 0, 0])]), "certificate_types is malformed", 50 },
            { "two CertificateRequests", Record(22, [.. ServerHello(suite: 0x002F), .. certificate, .. Handshake(13, [1, 1, 0, 2, 4, 1, 0, 0]), .. Handshake(13, [1, 1, 0, 2, 4, 1, 0, 0])]), "CertificateRequest while the client waited for ServerHelloDone", 10 },
            { "NewSessionTicket not asked for", Record(22, [.. ServerHello(), .. Handshake(4, [0, 0, 0, 0, 0, 0])]), "NewSessionTicket while the client waited for Certificate", 10 },
            { "HelloRequest with a body", Record(22, Handshake(0, [1])), "HelloRequest is not empty", 50 },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFlights))]
    public void MalformedServerInputFailsNamingTheField(string what, byte[] input, string failure, int alert)
    {
        var client = new TlsClientSession(new SequenceRandomSource(0x60));
        client.Start();
        client.TakeOutput();

        Assert.False(client.OfferInput(input), what);

        Assert.Contains(failure, client.Failure, StringComparison.Ordinal);
        Assert.False(client.IsHandshakeComplete);
        byte[] output = client.TakeOutput();
        Assert.Equal([21, 3], output[^7..^5]); // one alert record, in the clear (its minor version follows the state)
        Assert.Equal([0, 2, 2, (byte)alert], output[^4..]); // fatal, the description
        Assert.False(client.OfferInput(s_serverStream.Value), "a failed session stays failed");
    }

    [Theory]
    [InlineData(40, "handshake_failure (40)")]
    [InlineData(70, "protocol_version (70)")]
    [InlineData(200, "unknown alert (200)")]
    public void FatalAlertFromTheServerIsReported(byte description, string name)
    {
        var client = new TlsClientSession(new SequenceRandomSource(0x61));
        client.Start();
        client.TakeOutput();

        Assert.False(client.OfferInput(Record(21, [2, description])));

        Assert.Equal($"the server sent the fatal alert {name} (the client waited for ServerHello)", client.Failure);
        Assert.Empty(client.TakeOutput()); // RFC 5246 7.2.2: nothing is sent back
    }

    [Fact]
    public void WarningAlertsDuringTheHandshakeAreIgnored()
    {
        var client = new TlsClientSession(new SequenceRandomSource(ClientRandomSeed));
        client.Start();

        // unrecognized_name (112) as a warning, as some servers send it when they have no name to match.
        Assert.True(client.OfferInput(Record(21, [1, 112])));
        client.OfferInput(s_serverStream.Value);

        Assert.True(client.IsHandshakeComplete, client.Failure);
    }

    [Fact]
    public void CloseNotifyDuringTheHandshakeFails()
    {
        var client = new TlsClientSession(new SequenceRandomSource(0x62));
        client.Start();

        Assert.False(client.OfferInput(Record(21, [1, 0])));

        Assert.Contains("close_notify", client.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomInputNeverThrows()
    {
        var random = new Random(5246);
        for (int i = 0; i < 2000; i++)
        {
            byte[] input = new byte[random.Next(6, 300)];
            random.NextBytes(input);
            if (i % 2 == 0)
            {
                // A plausible record header in front makes the junk reach the handshake layer.
                input[0] = 22;
                input[1] = 3;
                input[2] = 3;
                input[3] = 0;
                input[4] = (byte)(input.Length - 5);
                input[5] = (byte)random.Next(0, 21);
            }

            var client = new TlsClientSession(new SequenceRandomSource(0x63));
            client.Start();
            client.OfferInput(input);

            Assert.False(client.IsHandshakeComplete);
        }
    }

    [Fact]
    public void MisuseThrows()
    {
        var client = new TlsClientSession(new SequenceRandomSource(0x64));

        Assert.Throws<InvalidOperationException>(() => client.OfferInput([22]));
        Assert.False(client.WriteApplicationData([1]));
        client.Start();
        Assert.Throws<InvalidOperationException>(() => client.Start());
        Assert.Throws<ArgumentNullException>(() => new TlsClientSession(null!));
    }

    private static TlsClientSession Replay(byte[] serverStream)
    {
        var client = new TlsClientSession(new SequenceRandomSource(ClientRandomSeed));
        client.Start();
        client.OfferInput(serverStream);
        return client;
    }

    private static byte[] RecordServerStream(int suite, int group)
    {
        var server = new BcTlsPeer(new BcServerOptions { CipherSuite = suite, Group = group }, seed: 99);
        var client = new TlsClientSession(new SequenceRandomSource(ClientRandomSeed));
        var stream = new List<byte>();
        client.Start();
        server.Pump(client, toClient: stream);
        Assert.True(client.IsHandshakeComplete, client.Failure);
        return [.. stream];
    }

    /// <summary>Offsets of the minor version byte of each record before the server's ChangeCipherSpec.</summary>
    private static HashSet<int> PlaintextRecordVersionMinors(byte[] stream)
    {
        var offsets = new HashSet<int>();
        for (int offset = 0; offset + 5 <= stream.Length;)
        {
            offsets.Add(offset + 2);
            if (stream[offset] == 20)
            {
                break;
            }

            offset += 5 + ((stream[offset + 3] << 8) | stream[offset + 4]);
        }

        return offsets;
    }

    private static byte[] Record(byte type, byte[] fragment)
        => [type, 3, 3, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment];

    private static byte[] Handshake(byte type, byte[] body)
        => [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] ServerHello(int version = 0x0303, int suite = 0xC02F, byte compression = 0, byte[]? extensions = null)
    {
        byte[] body = [(byte)(version >> 8), (byte)version, .. Enumerable.Range(0, 32).Select(i => (byte)i), 0, (byte)(suite >> 8), (byte)suite, compression];
        if (extensions is not null)
        {
            body = [.. body, (byte)(extensions.Length >> 8), (byte)extensions.Length, .. extensions];
        }

        return Handshake(2, body);
    }

    private static byte[] CertificateList(params byte[][] certificates)
    {
        byte[] entries = [.. certificates.SelectMany(c => new byte[] { (byte)(c.Length >> 16), (byte)(c.Length >> 8), (byte)c.Length }.Concat(c))];
        return [(byte)(entries.Length >> 16), (byte)(entries.Length >> 8), (byte)entries.Length, .. entries];
    }
}
