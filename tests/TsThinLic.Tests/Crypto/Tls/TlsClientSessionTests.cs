using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

public sealed class TlsClientSessionTests
{
    [Fact]
    public void ClientHelloOffersTls12TheSuitesAndTheExtensions()
    {
        byte[] random = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var session = new TlsClientSession(new SequenceRandomSource(random));

        Assert.True(session.Start());

        byte[] expected = Convert.FromHexString(string.Concat(
            "16", "0301", "0066", // record: handshake, {3, 1} (RFC 5246 E.1), length
            "01", "000062", // handshake: client_hello, length
            "0303", // client_version: TLS 1.2
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", // random
            "00", // session_id: empty, no resumption
            "000E", "C030", "C02F", "C014", "C013", "009D", "009C", "002F", // cipher_suites, in order of preference
            "01", "00", // compression_methods: null
            "002B", // extensions length
            "000A", "0006", "0004", "001D", "0017", // supported_groups: x25519, secp256r1
            "000B", "0002", "01", "00", // ec_point_formats: uncompressed
            "000D", "000E", "000C", "0804", "0805", "0401", "0501", "0601", "0201", // signature_algorithms
            "0017", "0000", // extended_master_secret
            "FF01", "0001", "00")); // renegotiation_info: empty renegotiated_connection
        Assert.Equal(expected, session.TakeOutput());
        Assert.Empty(session.TakeOutput());
        Assert.False(session.IsHandshakeComplete);
        Assert.Null(session.Failure);
        Assert.Null(session.ProtocolVersion);
        Assert.Null(session.CipherSuite);
        Assert.Empty(session.ServerCertificates);
    }

    [Fact]
    public void NothingIsReadBeforeAWholeRecordArrives()
    {
        var session = new TlsClientSession(new SequenceRandomSource(0x01));
        session.Start();
        session.TakeOutput();

        // A ServerHello record header promising 80 bytes, and 3 of them.
        Assert.True(session.OfferInput([0x16, 0x03, 0x03, 0x00, 0x50, 0x02, 0x00, 0x00]));

        Assert.Null(session.Failure);
        Assert.Empty(session.TakeOutput());
        Assert.Null(session.CipherSuite);
    }
}
