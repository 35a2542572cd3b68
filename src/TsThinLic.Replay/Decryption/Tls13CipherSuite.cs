using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>[RFC 8446 B.4] The TLS 1.3 cipher suites: an AEAD and the hash of the key schedule.</summary>
internal sealed class Tls13CipherSuite
{
    private Tls13CipherSuite(int number, string name, TlsRecordProtection protection, int keyLength, bool sha384)
    {
        Number = number;
        Name = name;
        Protection = protection;
        KeyLength = keyLength;
        UsesSha384 = sha384;
    }

    /// <summary>Every TLS 1.3 suite of RFC 8446 B.4.</summary>
    public static IReadOnlyList<Tls13CipherSuite> All { get; } =
    [
        new(0x1301, "TLS_AES_128_GCM_SHA256", TlsRecordProtection.AesGcm, 16, sha384: false),
        new(0x1302, "TLS_AES_256_GCM_SHA384", TlsRecordProtection.AesGcm, 32, sha384: true),
        new(0x1303, "TLS_CHACHA20_POLY1305_SHA256", TlsRecordProtection.ChaCha20Poly1305, 32, sha384: false),
        new(0x1304, "TLS_AES_128_CCM_SHA256", TlsRecordProtection.AesCcm, 16, sha384: false),
        new(0x1305, "TLS_AES_128_CCM_8_SHA256", TlsRecordProtection.AesCcm8, 16, sha384: false),
    ];

    /// <summary>CipherSuite code point.</summary>
    public int Number { get; }

    /// <summary>The suite's registered name.</summary>
    public string Name { get; }

    /// <summary>The AEAD.</summary>
    public TlsRecordProtection Protection { get; }

    /// <summary>The AEAD key length in bytes.</summary>
    public int KeyLength { get; }

    /// <summary>The key schedule's hash is SHA-384 (otherwise SHA-256).</summary>
    public bool UsesSha384 { get; }

    /// <summary>Hash.length: the length of every traffic secret.</summary>
    public int HashLength => UsesSha384 ? 48 : 32;

    public static Tls13CipherSuite? Find(int number)
    {
        foreach (Tls13CipherSuite suite in All)
        {
            if (suite.Number == number)
            {
                return suite;
            }
        }

        return null;
    }
}
