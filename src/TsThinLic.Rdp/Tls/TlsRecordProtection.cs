namespace TsThinLic.Rdp.Tls;

/// <summary>How a cipher suite protects records: the bulk cipher and its mode.</summary>
internal enum TlsRecordProtection
{
    /// <summary>AES-GCM with the 8-byte explicit nonce of TLS 1.2 [RFC 5288 3].</summary>
    AesGcm,

    /// <summary>AES-CBC with an HMAC, MAC-then-encrypt [RFC 5246 6.2.3.2] or encrypt-then-MAC [RFC 7366].</summary>
    AesCbc,

    /// <summary>ChaCha20-Poly1305 with the nonce = IV XOR sequence number [RFC 7905 2], [RFC 8446 5.3].</summary>
    ChaCha20Poly1305,

    /// <summary>AES-CCM with a 16-byte tag [RFC 8446 B.4] (TLS 1.3 only here).</summary>
    AesCcm,

    /// <summary>AES-CCM with an 8-byte tag [RFC 8446 B.4] (TLS 1.3 only here).</summary>
    AesCcm8,
}
