namespace TsThinLic.Rdp.Tls;

/// <summary>
/// The TLS 1.2 cipher suites this code knows: what each means for the key exchange, the record protection and the
/// PRF. <see cref="Offered"/> are the probe's, in its order of preference: ECDHE_RSA first (forward secrecy), plain RSA
/// key exchange last, for the servers that offer nothing else (Windows Server 2008 R2 with its TLS 1.2 update).
/// <see cref="Known"/> adds what a captured connection may have used (ECDHE_ECDSA, DHE_RSA, the CBC suites with
/// HMAC-SHA256/384, ChaCha20-Poly1305), which the replay decrypts with the same record ciphers.
/// </summary>
internal sealed class TlsCipherSuiteInfo
{
    private TlsCipherSuiteInfo(int number, string name, bool ephemeral, TlsRecordProtection protection, int keyLength, bool sha384Prf, int macLength = 0)
    {
        Number = number;
        Name = name;
        IsEcdhe = ephemeral;
        Protection = protection;
        KeyLength = keyLength;
        UsesSha384 = sha384Prf;
        MacKeyLength = macLength;
    }

    /// <summary>In the order they are offered in ClientHello.cipher_suites.</summary>
    public static IReadOnlyList<TlsCipherSuiteInfo> Offered { get; } =
    [
        // [RFC 5289 3.2] AES-GCM with ECDHE_RSA; the PRF hash is the suite's hash.
        new(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 32, sha384Prf: true),
        new(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 16, sha384Prf: false),

        // [RFC 8422 6] AES-CBC with HMAC-SHA1 and ECDHE_RSA; TLS 1.2 uses its default P_SHA256 PRF [RFC 5246 5].
        new(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 20),
        new(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 20),

        // [RFC 5288 3] AES-GCM with RSA key exchange.
        new(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", ephemeral: false, TlsRecordProtection.AesGcm, keyLength: 32, sha384Prf: true),
        new(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", ephemeral: false, TlsRecordProtection.AesGcm, keyLength: 16, sha384Prf: false),

        // [RFC 5246 A.5] The one suite every TLS 1.2 implementation must have.
        new(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", ephemeral: false, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 20),
    ];

    /// <summary>Every suite whose records can be decrypted (the key exchange does not matter once the master secret is known).</summary>
    public static IReadOnlyList<TlsCipherSuiteInfo> Known { get; } =
    [
        .. Offered,

        // [RFC 5246 A.5] RSA with AES-CBC.
        new(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", ephemeral: false, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 20),
        new(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", ephemeral: false, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 32),
        new(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", ephemeral: false, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 32),

        // [RFC 5246 A.5], [RFC 5288 3], [RFC 7905 2] DHE_RSA.
        new(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 20),
        new(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 20),
        new(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 32),
        new(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 32),
        new(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 16, sha384Prf: false),
        new(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 32, sha384Prf: true),
        new(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", ephemeral: true, TlsRecordProtection.ChaCha20Poly1305, keyLength: 32, sha384Prf: false),

        // [RFC 8422 6], [RFC 5289 3.1, 3.2], [RFC 7905 2] ECDHE_RSA and ECDHE_ECDSA.
        new(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 32),
        new(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: true, macLength: 48),
        new(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", ephemeral: true, TlsRecordProtection.ChaCha20Poly1305, keyLength: 32, sha384Prf: false),
        new(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 20),
        new(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: false, macLength: 20),
        new(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 16, sha384Prf: false, macLength: 32),
        new(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", ephemeral: true, TlsRecordProtection.AesCbc, keyLength: 32, sha384Prf: true, macLength: 48),
        new(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 16, sha384Prf: false),
        new(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", ephemeral: true, TlsRecordProtection.AesGcm, keyLength: 32, sha384Prf: true),
        new(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", ephemeral: true, TlsRecordProtection.ChaCha20Poly1305, keyLength: 32, sha384Prf: false),
    ];

    /// <summary>CipherSuite code point.</summary>
    public int Number { get; }

    /// <summary>The suite's registered name.</summary>
    public string Name { get; }

    /// <summary>An ephemeral (EC)DHE key exchange, with a ServerKeyExchange; otherwise RSA.</summary>
    public bool IsEcdhe { get; }

    /// <summary>The record protection.</summary>
    public TlsRecordProtection Protection { get; }

    /// <summary>AES-GCM (AEAD) record protection with an explicit nonce.</summary>
    public bool IsGcm => Protection == TlsRecordProtection.AesGcm;

    /// <summary>enc_key_length: the AES or ChaCha20 key in bytes.</summary>
    public int KeyLength { get; }

    /// <summary>The PRF and the handshake hash use SHA-384 (the *_SHA384 suites); otherwise SHA-256.</summary>
    public bool UsesSha384 { get; }

    /// <summary>mac_key_length (and MAC length): 20, 32 or 48 for HMAC-SHA1/256/384 with CBC, none for AEAD.</summary>
    public int MacKeyLength { get; }

    /// <summary>
    /// fixed_iv_length: the 4-byte GCM salt [RFC 5288 3], the 12-byte ChaCha20-Poly1305 IV [RFC 7905 2]; CBC draws an
    /// explicit IV per record and needs none.
    /// </summary>
    public int FixedIvLength => Protection switch
    {
        TlsRecordProtection.AesGcm => TlsGcmRecordCipher.SaltLength,
        TlsRecordProtection.ChaCha20Poly1305 => TlsAeadRecordCipher.NonceLength,
        _ => 0,
    };

    /// <summary>A suite the probe offers, by number.</summary>
    public static TlsCipherSuiteInfo? Find(int number) => Find(Offered, number);

    /// <summary>Any suite whose records this code can decrypt, by number.</summary>
    public static TlsCipherSuiteInfo? FindKnown(int number) => Find(Known, number);

    private static TlsCipherSuiteInfo? Find(IReadOnlyList<TlsCipherSuiteInfo> suites, int number)
    {
        foreach (TlsCipherSuiteInfo suite in suites)
        {
            if (suite.Number == number)
            {
                return suite;
            }
        }

        return null;
    }
}
