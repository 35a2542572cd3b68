using System.Security.Cryptography;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// Checks both Finished messages of a decrypted connection against the handshake transcript (every handshake message
/// of both directions, in the order they were sent): the records a TLS handshake sends in clear carry no MAC of their
/// own, so this is what proves they are the ones the peers saw.
/// </summary>
internal static class TlsFinishedCheck
{
    private const int VerifyDataLength = 12;

    // [RFC 5246 7.4.9] verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]: every
    // handshake message up to the Finished, in the order they were sent. A full handshake: ClientHello, the server's
    // first flight (to ServerHelloDone), the client's flight and Finished, then the server's NewSessionTicket and
    // Finished; a resumed one: the server's flight and Finished first.
    public static void VerifyTls12(TlsDirectionDecryptor client, TlsDirectionDecryptor server, bool sha384, byte[] masterSecret, TlsDecryption result)
    {
        List<TlsHandshakeMessage> clientMessages = client.Assembler.Messages.Where(m => m.Type != 0).ToList();
        List<TlsHandshakeMessage> serverMessages = server.Assembler.Messages.Where(m => m.Type != 0).ToList();
        int clientFinished = clientMessages.FindIndex(m => m.Type == TlsHandshakeMessage.Finished && m.Encrypted);
        int serverFinished = serverMessages.FindIndex(m => m.Type == TlsHandshakeMessage.Finished && m.Encrypted);
        int serverHelloDone = serverMessages.FindIndex(m => m.Type == TlsHandshakeMessage.ServerHelloDone);
        var transcript = new List<byte>();
        void Add(IEnumerable<TlsHandshakeMessage> messages)
        {
            foreach (TlsHandshakeMessage message in messages)
            {
                transcript.AddRange(message.Bytes);
            }
        }

        bool Check(bool fromClient, List<TlsHandshakeMessage> messages, int index)
        {
            string who = fromClient ? "client" : "server";
            if (index < 0)
            {
                result.Notes.Add($"the {who}'s Finished is not in the capture: the handshake transcript is not verified");
                return false;
            }

            byte[] expected = TlsPrf.Compute(sha384, masterSecret, fromClient ? "client finished" : "server finished", TlsPrf.Hash(sha384, [.. transcript]), VerifyDataLength);
            if (!CryptographicOperations.FixedTimeEquals(expected, messages[index].Body))
            {
                result.Notes.Add($"the {who}'s Finished does not verify: a handshake message sent in clear was altered (or the secret belongs to another connection)");
                return false;
            }

            result.FinishedVerified++;
            return true;
        }

        if (clientMessages.Count == 0)
        {
            return;
        }

        Add(clientMessages.Take(1));
        if (serverHelloDone >= 0 && (serverFinished < 0 || serverHelloDone < serverFinished))
        {
            Add(serverMessages.Take(serverHelloDone + 1));
            Add(clientMessages.Skip(1).Take((clientFinished < 0 ? clientMessages.Count : clientFinished) - 1));
            if (Check(true, clientMessages, clientFinished))
            {
                transcript.AddRange(clientMessages[clientFinished].Bytes);
                Add(serverMessages.Skip(serverHelloDone + 1).Take((serverFinished < 0 ? serverMessages.Count : serverFinished) - serverHelloDone - 1));
                Check(false, serverMessages, serverFinished);
            }
        }
        else
        {
            Add(serverMessages.Take(serverFinished < 0 ? serverMessages.Count : serverFinished));
            if (Check(false, serverMessages, serverFinished))
            {
                transcript.AddRange(serverMessages[serverFinished].Bytes);
                Add(clientMessages.Skip(1).Take((clientFinished < 0 ? clientMessages.Count : clientFinished) - 1));
                Check(true, clientMessages, clientFinished);
            }
        }
    }

    // [RFC 8446 4.4.4] The server's Finished covers ClientHello … CertificateVerify, the client's everything up to
    // the server's Finished plus its own Certificate and CertificateVerify; after a HelloRetryRequest the first
    // ClientHello is replaced by message_hash = Hash(ClientHello1) [RFC 8446 4.4.1].
    public static void VerifyTls13(TlsDirectionDecryptor client, TlsDirectionDecryptor server, Tls13CipherSuite suite, bool retried, byte[]? serverHandshake, byte[]? clientHandshake, TlsDecryption result)
    {
        List<TlsHandshakeMessage> clientClear = client.Assembler.Messages.Where(m => !m.Encrypted).ToList();
        List<TlsHandshakeMessage> serverClear = server.Assembler.Messages.Where(m => !m.Encrypted).ToList();
        List<TlsHandshakeMessage> serverEncrypted = server.Assembler.Messages.Where(m => m.Encrypted && m.Epoch == 1).ToList();
        List<TlsHandshakeMessage> clientEncrypted = client.Assembler.Messages.Where(m => m.Encrypted && m.Epoch == 1).ToList();
        var transcript = new List<byte>();
        if (retried && clientClear.Count >= 2 && serverClear.Count >= 2)
        {
            byte[] firstHash = TlsPrf.Hash(suite.UsesSha384, clientClear[0].Bytes);
            transcript.AddRange([TlsHandshakeMessage.MessageHash, 0, 0, (byte)firstHash.Length, .. firstHash]);
            transcript.AddRange(serverClear[0].Bytes);
            transcript.AddRange(clientClear[1].Bytes);
            transcript.AddRange(serverClear[1].Bytes);
        }
        else if (clientClear.Count >= 1 && serverClear.Count >= 1)
        {
            transcript.AddRange(clientClear[0].Bytes);
            transcript.AddRange(serverClear[0].Bytes);
        }
        else
        {
            return;
        }

        bool Check(string who, List<TlsHandshakeMessage> messages, byte[]? secret, string label)
        {
            int finished = messages.FindIndex(m => m.Type == TlsHandshakeMessage.Finished);
            if (finished < 0 || secret is null)
            {
                result.Notes.Add(secret is null
                    ? $"no {label}: the {who}'s Finished is not verified"
                    : $"the {who}'s Finished is not in the capture: the handshake transcript is not verified");
                return false;
            }

            foreach (TlsHandshakeMessage message in messages.Take(finished))
            {
                transcript.AddRange(message.Bytes);
            }

            byte[] expected = Tls13KeySchedule.FinishedVerifyData(suite, secret, TlsPrf.Hash(suite.UsesSha384, [.. transcript]));
            transcript.AddRange(messages[finished].Bytes);
            if (!CryptographicOperations.FixedTimeEquals(expected, messages[finished].Body))
            {
                result.Notes.Add($"the {who}'s Finished does not verify: a handshake message sent in clear was altered (or the secret belongs to another connection)");
                return false;
            }

            result.FinishedVerified++;
            return true;
        }

        if (Check("server", serverEncrypted, serverHandshake, TlsKeyLog.ServerHandshakeTrafficSecret))
        {
            Check("client", clientEncrypted, clientHandshake, TlsKeyLog.ClientHandshakeTrafficSecret);
        }
    }
}
