namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 7.4] Handshake message framing (msg_type, uint24 length, body) and the messages' names.</summary>
internal static class TlsHandshakeMessages
{
    /// <summary>A handshake message: msg_type, length, body.</summary>
    public static byte[] Build(TlsHandshakeType type, ReadOnlySpan<byte> body)
    {
        var message = new TlsWriter(TlsRecordLayer.HandshakeHeaderLength + body.Length);
        message.WriteUInt8((int)type);
        message.WriteUInt24(body.Length);
        message.Write(body);
        return message.ToArray();
    }

    /// <summary>The message's name in RFC 5246, for failure messages.</summary>
    public static string Name(byte type) => type switch
    {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        22 => "CertificateStatus",
        _ => $"handshake message type {type}",
    };
}
