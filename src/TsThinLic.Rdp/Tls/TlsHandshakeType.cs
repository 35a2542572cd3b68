namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 7.4] HandshakeType: the messages a TLS 1.2 client without resumption sees or sends.</summary>
internal enum TlsHandshakeType : byte
{
    HelloRequest = 0,
    ClientHello = 1,
    ServerHello = 2,
    NewSessionTicket = 4,
    Certificate = 11,
    ServerKeyExchange = 12,
    CertificateRequest = 13,
    ServerHelloDone = 14,
    CertificateVerify = 15,
    ClientKeyExchange = 16,
    Finished = 20,
    CertificateStatus = 22,
}
