using System.Security.Cryptography;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// Decrypts one captured TLS connection, both directions, with the secrets of an NSS key log: TLS 1.2 (the master
/// secret of CLIENT_RANDOM, key expansion [RFC 5246 6.3], AES-GCM, ChaCha20-Poly1305 and AES-CBC with HMAC-SHA1/256/384,
/// MAC-then-encrypt or encrypt_then_mac) and TLS 1.3 (the handshake and application traffic secrets [RFC 8446 7.1],
/// KeyUpdate [7.2], AES-GCM, ChaCha20-Poly1305, AES-CCM). Every record is authenticated (AEAD tag or MAC) before its
/// content is used, and both Finished messages are checked against the handshake transcript, so the records sent in
/// clear are verified too. The application data of each direction is handed on up to the first record that could not
/// be decrypted. Sans-I/O; never throws on captured bytes: whatever is wrong is a note naming the record.
/// </summary>
internal static class TlsConnectionDecryptor
{
    /// <summary>[RFC 5246 6.2.3] TLSCiphertext.length MUST NOT exceed 2^14 + 2048 (TLS 1.3: 2^14 + 256).</summary>
    public const int MaxFragmentLength = (1 << 14) + 2048;

    /// <summary>[RFC 5246 6.2.1] TLSPlaintext.length MUST NOT exceed 2^14.</summary>
    public const int MaxPlaintextLength = 1 << 14;

    private const int Tls12 = 0x0303;
    private const int Tls13 = 0x0304;
    private const byte ChangeCipherSpec = (byte)TlsContentType.ChangeCipherSpec;
    private const byte Handshake = (byte)TlsContentType.Handshake;

    /// <summary>
    /// Decrypts a connection. <paramref name="client"/> and <paramref name="server"/> start at each direction's first
    /// TLS record; <paramref name="where"/> names a direction's stream offset for the notes (with its frame).
    /// </summary>
    public static TlsDecryption Decrypt(ReadOnlySpan<byte> client, ReadOnlySpan<byte> server, TlsKeyLog keyLog, Func<bool, int, string> where)
    {
        ArgumentNullException.ThrowIfNull(keyLog);
        ArgumentNullException.ThrowIfNull(where);
        var result = new TlsDecryption();
        var clientSide = new TlsDirectionDecryptor(true, TlsRecordReader.Read(client, true, result, where), result, where);
        var serverSide = new TlsDirectionDecryptor(false, TlsRecordReader.Read(server, false, result, where), result, where);
        try
        {
            Run(clientSide, serverSide, keyLog, result);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or CryptographicException or Org.BouncyCastle.Crypto.CryptoException)
        {
            // The seam: a primitive refusing a hostile value stops the decryption with a note, never the replay.
            result.Notes.Add($"TLS decryption stopped: {exception.GetType().Name}: {exception.Message}");
        }

        foreach (TlsDirectionDecryptor side in (TlsDirectionDecryptor[])[clientSide, serverSide])
        {
            side.Finish();
        }

        if (result.NotesLeftOut > 0)
        {
            result.Notes.Add($"{result.NotesLeftOut} more note(s) of the same kinds (record versions, alerts, records in clear) left out");
        }

        return result;
    }

    private static void Run(TlsDirectionDecryptor client, TlsDirectionDecryptor server, TlsKeyLog keyLog, TlsDecryption result)
    {
        // The hellos are in clear in both versions: the first handshake records of each direction.
        List<TlsHandshakeMessage> clientHellos = LeadingHandshake(client.Records);
        List<TlsHandshakeMessage> serverHellos = LeadingHandshake(server.Records);
        if (clientHellos.Count == 0 || clientHellos[0].Type != TlsHandshakeMessage.ClientHello)
        {
            result.Notes.Add("no ClientHello at the start of the client's TLS records: the connection cannot be matched to a key log secret");
            return;
        }

        TlsHello? clientHello = TlsHello.TryParseClientHello(clientHellos[0].Body, out string? problem);
        if (clientHello is null)
        {
            result.Notes.Add($"client: {problem}");
            return;
        }

        result.ClientRandom = clientHello.Random;
        client.InitialHelloRecord = clientHellos[0].RecordIndex;
        TlsHello? serverHello = null;
        bool retried = false;
        foreach (TlsHandshakeMessage message in serverHellos.Where(m => m.Type == TlsHandshakeMessage.ServerHello))
        {
            serverHello = TlsHello.TryParseServerHello(message.Body, out problem);
            if (serverHello is null)
            {
                result.Notes.Add($"server: {problem}");
                return;
            }

            if (!serverHello.IsHelloRetryRequest)
            {
                break;
            }

            retried = true;
            serverHello = null;
        }

        if (serverHello is null)
        {
            result.Notes.Add("no ServerHello: the capture ends (or the server refused the connection) before the server chose a version and a suite");
            return;
        }

        if (serverHello.Version == Tls13)
        {
            result.Version = "TLS 1.3";
            RunTls13(client, server, serverHello.CipherSuite, clientHello, retried, keyLog, result);
        }
        else if (serverHello.Version == Tls12)
        {
            result.Version = "TLS 1.2";
            RunTls12(client, server, clientHello, serverHello, keyLog, result);
        }
        else
        {
            result.Version = $"TLS version 0x{serverHello.Version:x4}";
            result.Notes.Add($"the server chose protocol version 0x{serverHello.Version:x4}: only TLS 1.2 and TLS 1.3 are decrypted");
        }
    }

    private static void RunTls12(TlsDirectionDecryptor client, TlsDirectionDecryptor server, TlsHello clientHello, TlsHello serverHello, TlsKeyLog keyLog, TlsDecryption result)
    {
        TlsCipherSuiteInfo? suite = TlsCipherSuiteInfo.FindKnown(serverHello.CipherSuite);
        result.CipherSuite = suite?.Name ?? $"cipher suite 0x{serverHello.CipherSuite:x4}";
        TlsRecordCipher? clientCipher = null;
        TlsRecordCipher? serverCipher = null;
        byte[] masterSecret = [];
        if (suite is null)
        {
            result.Notes.Add($"the server chose cipher suite 0x{serverHello.CipherSuite:x4}, which this replay does not decrypt");
        }
        else if (!keyLog.TryGetSecret(TlsKeyLog.ClientRandom, clientHello.Random, out masterSecret))
        {
            result.Notes.Add($"no secret for this connection: the key log has no {TlsKeyLog.ClientRandom} line for client random {Convert.ToHexStringLower(clientHello.Random)}");
        }
        else
        {
            result.SecretsFound = true;
            bool encryptThenMac = serverHello.EncryptThenMac && suite.Protection == TlsRecordProtection.AesCbc;
            (clientCipher, serverCipher) = TlsKeyBlock.CreateCiphers(suite, masterSecret, clientHello.Random, serverHello.Random, encryptThenMac, random: null);
        }

        client.RunTls12(clientCipher);
        server.RunTls12(serverCipher);
        if (suite is not null && result.SecretsFound)
        {
            TlsFinishedCheck.VerifyTls12(client, server, suite.UsesSha384, masterSecret, result);
        }
    }

    private static void RunTls13(TlsDirectionDecryptor client, TlsDirectionDecryptor server, int suiteNumber, TlsHello clientHello, bool retried, TlsKeyLog keyLog, TlsDecryption result)
    {
        Tls13CipherSuite? suite = Tls13CipherSuite.Find(suiteNumber);
        result.CipherSuite = suite?.Name ?? $"cipher suite 0x{suiteNumber:x4}";
        if (suite is null)
        {
            result.Notes.Add($"the server chose TLS 1.3 cipher suite 0x{suiteNumber:x4}, which this replay does not decrypt");
            client.RunTls13(null, null, null, string.Empty, string.Empty);
            server.RunTls13(null, null, null, string.Empty, string.Empty);
            return;
        }

        byte[]? Secret(string label) => keyLog.TryGetSecret(label, clientHello.Random, out byte[] secret) && secret.Length == suite.HashLength ? secret : null;
        byte[]? clientHandshake = Secret(TlsKeyLog.ClientHandshakeTrafficSecret);
        byte[]? serverHandshake = Secret(TlsKeyLog.ServerHandshakeTrafficSecret);
        byte[]? clientTraffic = Secret(TlsKeyLog.ClientTrafficSecret0);
        byte[]? serverTraffic = Secret(TlsKeyLog.ServerTrafficSecret0);
        result.SecretsFound = clientHandshake is not null || serverHandshake is not null || clientTraffic is not null || serverTraffic is not null;
        if (!result.SecretsFound)
        {
            result.Notes.Add($"no secret for this connection: the key log has no TLS 1.3 traffic secret ({suite.HashLength} bytes) for client random {Convert.ToHexStringLower(clientHello.Random)}");
        }

        if (clientHello.OffersEarlyData)
        {
            result.Notes.Add("the client offered 0-RTT early data: records sent under the early secret are not decrypted");
        }

        client.RunTls13(suite, clientHandshake, clientTraffic, TlsKeyLog.ClientHandshakeTrafficSecret, TlsKeyLog.ClientTrafficSecret0);
        server.RunTls13(suite, serverHandshake, serverTraffic, TlsKeyLog.ServerHandshakeTrafficSecret, TlsKeyLog.ServerTrafficSecret0);
        if (result.SecretsFound)
        {
            TlsFinishedCheck.VerifyTls13(client, server, suite, retried, serverHandshake, clientHandshake, result);
        }
    }

    // The handshake messages of a direction's first records (before any encrypted one): the hellos.
    private static List<TlsHandshakeMessage> LeadingHandshake(List<TlsRawRecord> records)
    {
        var assembler = new TlsHandshakeAssembler();
        foreach (TlsRawRecord record in records)
        {
            if (record.Type == ChangeCipherSpec)
            {
                // TLS 1.3 middlebox compatibility [RFC 8446 D.4] (before a second ClientHello too); in TLS 1.2 what
                // follows is encrypted, and only the first hello of each side is read from here.
                continue;
            }

            if (record.Type != Handshake)
            {
                break;
            }

            assembler.Append(record.Fragment.Span, false, 0, record.Index);
            if (assembler.Problem is not null)
            {
                break;
            }
        }

        return assembler.Messages;
    }
}
