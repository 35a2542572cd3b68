namespace TsThinLic.Rdp.Tls;

/// <summary>
/// The cipher suites this client offers, in its order of preference, and what each means for the key exchange, the
/// record protection and the PRF. ECDHE_RSA first (forward secrecy); plain RSA key exchange last, for the servers
/// that offer nothing else (Windows Server 2008 R2 with its TLS 1.2 update).
/// </summary>
internal sealed class TlsCipherSuiteInfo
{
    private TlsCipherSuiteInfo(int number, string name, bool ephemeral, bool gcm, int keyLength, bool sha384Prf)
    {
        Number = number;
        Name = name;
        IsEcdhe = ephemeral;
        IsGcm = gcm;
        KeyLength = keyLength;
        UsesSha384 = sha384Prf;
    }

    /// <summary>In the order they are offered in ClientHello.cipher_suites.</summary>
    public static IReadOnlyList<TlsCipherSuiteInfo> Offered { get; } =
    [
        // [RFC 5289 3.2] AES-GCM with ECDHE_RSA; the PRF hash is the suite's hash.
        new(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ephemeral: true, gcm: true, keyLength: 32, sha384Prf: true),
        new(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ephemeral: true, gcm: true, keyLength: 16, sha384Prf: false),

        // [RFC 8422 6] AES-CBC with HMAC-SHA1 and ECDHE_RSA; TLS 1.2 uses its default P_SHA256 PRF [RFC 5246 5].
        new(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", ephemeral: true, gcm: false, keyLength: 32, sha384Prf: false),
        new(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", ephemeral: true, gcm: false, keyLength: 16, sha384Prf: false),

        // [RFC 5288 3] AES-GCM with RSA key exchange.
        new(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", ephemeral: false, gcm: true, keyLength: 32, sha384Prf: true),
        new(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", ephemeral: false, gcm: true, keyLength: 16, sha384Prf: false),

        // [RFC 5246 A.5] The one suite every TLS 1.2 implementation must have.
        new(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", ephemeral: false, gcm: false, keyLength: 16, sha384Prf: false),
    ];

    /// <summary>CipherSuite code point.</summary>
    public int Number { get; }

    /// <summary>The suite's registered name.</summary>
    public string Name { get; }

    /// <summary>ECDHE_RSA key exchange (ServerKeyExchange signed with the certificate's RSA key); otherwise RSA.</summary>
    public bool IsEcdhe { get; }

    /// <summary>AES-GCM (AEAD) record protection; otherwise AES-CBC with HMAC-SHA1.</summary>
    public bool IsGcm { get; }

    /// <summary>enc_key_length: the AES key in bytes.</summary>
    public int KeyLength { get; }

    /// <summary>The PRF and the handshake hash use SHA-384 (the *_SHA384 suites); otherwise SHA-256.</summary>
    public bool UsesSha384 { get; }

    /// <summary>mac_key_length: HMAC-SHA1 for the CBC suites, none for AEAD.</summary>
    public int MacKeyLength => IsGcm ? 0 : TlsCbcRecordCipher.MacLength;

    /// <summary>fixed_iv_length: the 4-byte GCM salt [RFC 5288 3]; CBC draws an explicit IV per record and needs none.</summary>
    public int FixedIvLength => IsGcm ? TlsGcmRecordCipher.SaltLength : 0;

    public static TlsCipherSuiteInfo? Find(int number)
    {
        foreach (TlsCipherSuiteInfo suite in Offered)
        {
            if (suite.Number == number)
            {
                return suite;
            }
        }

        return null;
    }
}
