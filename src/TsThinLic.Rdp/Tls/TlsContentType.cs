namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 6.2.1] ContentType of a TLS record.</summary>
internal enum TlsContentType : byte
{
    /// <summary>change_cipher_spec (20), [RFC 5246 7.1].</summary>
    ChangeCipherSpec = 20,

    /// <summary>alert (21), [RFC 5246 7.2].</summary>
    Alert = 21,

    /// <summary>handshake (22), [RFC 5246 7.4].</summary>
    Handshake = 22,

    /// <summary>application_data (23), [RFC 5246 10].</summary>
    ApplicationData = 23,
}
