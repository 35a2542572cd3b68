namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 8422 5.1.1] NamedGroup values this client offers for ECDHE.</summary>
internal enum TlsNamedGroup : ushort
{
    /// <summary>secp256r1 (23): NIST P-256, what every Windows server since 2008 R2 supports.</summary>
    Secp256r1 = 23,

    /// <summary>x25519 (29) ([RFC 8422 5.1.1], [RFC 7748]).</summary>
    X25519 = 29,
}
