using System.Text;
using System.Text.Json;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// A real TLS 1.2 connection none of us wrote: "The Illustrated TLS 1.2 Connection" (tls12.xargs.org), a Go client
/// and server using TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA over x25519, its records and secrets in
/// fixtures/vectors/tls12-illustrated.json (source and licence in the file).
/// </summary>
public sealed class Tls12IllustratedTests
{
    private static readonly Lazy<JsonElement> s_vectors = new(() =>
    {
        using FileStream stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "vectors", "tls12-illustrated.json"));
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    private static byte[] ClientRandom => Hex("client_random");

    private static byte[] ServerRandom => Hex("server_random");

    [Fact]
    public void X25519PublicKeyAndPremasterSecret()
    {
        var share = TlsKeyShare.Create(TlsNamedGroup.X25519, new SequenceRandomSource(Hex("client_x25519_private")));

        // ClientKeyExchange record: header (5), handshake header (4), ecdh_Yc length (1), then the point.
        Assert.Equal(Record("clientkeyexchange")[10..], share.PublicKey);
        Assert.True(share.TryAgree(Hex("server_x25519_public"), out byte[] preMasterSecret));
        Assert.Equal(Hex("premaster_secret"), preMasterSecret);
    }

    [Fact]
    public void MasterSecretAndKeyBlock()
    {
        byte[] master = TlsPrf.Compute(false, Hex("premaster_secret"), "master secret", [.. ClientRandom, .. ServerRandom], 48);
        Assert.Equal(Hex("master_secret"), master);

        // RFC 5246 6.3: client MAC key, server MAC key, client key, server key, client IV, server IV.
        byte[] block = TlsPrf.Compute(false, master, "key expansion", [.. ServerRandom, .. ClientRandom], 104);
        Assert.Equal(Hex("client_write_mac_key"), block[..20]);
        Assert.Equal(Hex("server_write_mac_key"), block[20..40]);
        Assert.Equal(Hex("client_write_key"), block[40..56]);
        Assert.Equal(Hex("server_write_key"), block[56..72]);
        Assert.Equal(Hex("client_write_iv"), block[72..88]);
        Assert.Equal(Hex("server_write_iv"), block[88..104]);
    }

    [Fact]
    public void FinishedVerifyDataOfBothSides()
    {
        // The handshake messages are the handshake records' fragments (each record holds one message here).
        byte[] messages = [.. new[] { "clienthello", "serverhello", "servercert", "serverkeyexchange", "serverhellodone", "clientkeyexchange" }.SelectMany(r => Record(r)[5..])];
        Assert.Equal(Hex("handshake_hash_before_client_finished"), TlsPrf.Hash(false, messages));

        byte[] clientVerifyData = TlsPrf.Compute(false, Hex("master_secret"), "client finished", TlsPrf.Hash(false, messages), 12);
        Assert.Equal(Hex("client_verify_data"), clientVerifyData);

        byte[] withClientFinished = [.. messages, .. Plain("clientfinishedplain")];
        byte[] serverVerifyData = TlsPrf.Compute(false, Hex("master_secret"), "server finished", TlsPrf.Hash(false, withClientFinished), 12);
        Assert.Equal(Hex("server_verify_data"), serverVerifyData);
    }

    [Fact]
    public void ServerRecordsDecryptAndAuthenticate()
    {
        var serverWrite = new TlsCbcRecordCipher(Hex("server_write_key"), Hex("server_write_mac_key"), new SequenceRandomSource());

        Assert.True(serverWrite.TryDecrypt(0, 0x16, 0x0303, Record("serverfinished")[5..], out byte[] finished));
        Assert.Equal(Plain("serverfinishedplain")[..16], finished);
        Assert.True(serverWrite.TryDecrypt(1, 0x17, 0x0303, Record("serverdata")[5..], out byte[] data));
        Assert.Equal("pong", Encoding.ASCII.GetString(data));
    }

    [Fact]
    public void ClientRecordsEncryptByteForByte()
    {
        // The captured client drew its explicit IVs as the next bytes of its scripted random stream.
        var random = new SequenceRandomSource(Record("clientfinished")[5..21], Record("clientdata")[5..21], Record("clientalert")[5..21]);
        var clientWrite = new TlsCbcRecordCipher(Hex("client_write_key"), Hex("client_write_mac_key"), random);

        Assert.Equal(Record("clientfinished")[5..], clientWrite.Encrypt(0, TlsContentType.Handshake, Plain("clientfinishedplain")));
        Assert.Equal(Record("clientdata")[5..], clientWrite.Encrypt(1, TlsContentType.ApplicationData, "ping"u8));
        Assert.Equal(Record("clientalert")[5..], clientWrite.Encrypt(2, TlsContentType.Alert, [1, 0]));
    }

    [Theory]
    [InlineData(5)] // the explicit IV: the first plaintext block changes, so the MAC fails
    [InlineData(30)] // inside the ciphertext
    [InlineData(52)] // the last block: padding and MAC
    public void AFlippedBitFailsAuthentication(int index)
    {
        var serverWrite = new TlsCbcRecordCipher(Hex("server_write_key"), Hex("server_write_mac_key"), new SequenceRandomSource());
        byte[] record = Record("serverdata");
        record[index] ^= 0x01;

        Assert.False(serverWrite.TryDecrypt(1, 0x17, 0x0303, record.AsSpan(5), out _));
    }

    [Fact]
    public void ServerKeyExchangeSignatureVerifiesWithTheLeafKey()
    {
        // Certificate message: record header (5), handshake header (4), certificate_list length (3), entry length (3).
        byte[] certificate = Record("servercert")[15..];
        Assert.Equal(CertificateCheck.Valid, X509ChainReader.TryGetLeafPublicKey([certificate], out RsaPublicKey? key, out _));

        // ServerKeyExchange body: curve_type (1), namedcurve (2), public (1 + 32), algorithm (2), signature (2 + n).
        byte[] body = Record("serverkeyexchange")[9..];
        byte[] parameters = body[..36];
        Assert.Equal(new byte[] { 0x04, 0x01 }, body[36..38]); // rsa_pkcs1_sha256
        byte[] signature = body[40..];
        byte[] signed = [.. ClientRandom, .. ServerRandom, .. parameters];

        Assert.True(TlsRsa.Verify(key!, TlsSignatureScheme.RsaPkcs1Sha256, signed, signature));
        Assert.False(TlsRsa.Verify(key!, TlsSignatureScheme.RsaPkcs1Sha384, signed, signature));
        signed[^1] ^= 1;
        Assert.False(TlsRsa.Verify(key!, TlsSignatureScheme.RsaPkcs1Sha256, signed, signature));
    }

    [Fact]
    public void SessionPlaysTheCapturedServerUntilTheTranscriptsDiverge()
    {
        // Our ClientHello is not the Go client's, so the server's Finished (over the captured transcript) cannot
        // match; everything before it is the captured server's: its hello, certificate, signed key exchange, and
        // a ChangeCipherSpec plus an encrypted Finished that decrypt under the keys our client derived.
        var random = new SequenceRandomSource(ClientRandom, Hex("client_x25519_private"), new byte[16]);
        var session = new TlsClientSession(random);
        session.Start();
        session.TakeOutput();

        byte[] serverFlight = [.. Record("serverhello"), .. Record("servercert"), .. Record("serverkeyexchange"), .. Record("serverhellodone")];
        Assert.True(session.OfferInput(serverFlight), session.Failure);
        byte[] clientFlight = session.TakeOutput();
        Assert.Equal(Record("clientkeyexchange"), clientFlight[..Record("clientkeyexchange").Length]);
        Assert.Equal(Record("clientccs"), clientFlight.AsSpan(Record("clientkeyexchange").Length, 6).ToArray());
        Assert.Equal(0xC013, session.CipherSuite);
        Assert.Equal(Record("servercert")[15..], Assert.Single(session.ServerCertificates));

        Assert.False(session.OfferInput([.. Record("serverccs"), .. Record("serverfinished")]));
        Assert.Contains("Finished.verify_data does not match", session.Failure, StringComparison.Ordinal);
        Assert.False(session.IsHandshakeComplete);
    }

    private static byte[] Hex(string name) => Convert.FromHexString(s_vectors.Value.GetProperty(name).GetString()!);

    private static byte[] Record(string name) => Convert.FromHexString(s_vectors.Value.GetProperty("records").GetProperty(name).GetString()!);

    private static byte[] Plain(string name) => Convert.FromHexString(s_vectors.Value.GetProperty("plaintexts").GetProperty(name).GetString()!);
}
