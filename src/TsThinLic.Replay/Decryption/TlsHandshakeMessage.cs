namespace TsThinLic.Replay.Decryption;

/// <summary>One handshake message of a captured connection, header included (what the transcript hash covers).</summary>
/// <param name="Type">msg_type.</param>
/// <param name="Bytes">msg_type, length and body.</param>
/// <param name="Encrypted">It came in a protected record.</param>
/// <param name="Epoch">0 in clear; TLS 1.3: 1 under the handshake secrets, 2 under the application secrets; TLS 1.2: 1 after ChangeCipherSpec.</param>
/// <param name="RecordIndex">The record that completed it.</param>
internal sealed record TlsHandshakeMessage(byte Type, byte[] Bytes, bool Encrypted, int Epoch, int RecordIndex)
{
    public const byte ClientHello = 1;
    public const byte ServerHello = 2;
    public const byte NewSessionTicket = 4;
    public const byte ServerHelloDone = 14;
    public const byte Finished = 20;
    public const byte KeyUpdate = 24;
    public const byte MessageHash = 254;

    /// <summary>The body, after the 4-byte header.</summary>
    public ReadOnlySpan<byte> Body => Bytes.AsSpan(4);
}
