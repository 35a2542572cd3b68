using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// What decryption needs from ClientHello [RFC 5246 7.4.1.2], [RFC 8446 4.1.2] and ServerHello [RFC 5246 7.4.1.3],
/// [RFC 8446 4.1.3]: the randoms, the suite, the version (supported_versions for TLS 1.3), encrypt_then_mac
/// [RFC 7366], and whether the ServerHello is a HelloRetryRequest.
/// </summary>
internal sealed class TlsHello
{
    private const int SupportedVersionsExtension = 43;
    private const int EncryptThenMacExtension = 22;
    private const int EarlyDataExtension = 42;

    // [RFC 8446 4.1.3] HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest").
    private static ReadOnlySpan<byte> HelloRetryRequestRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    private TlsHello(int version, byte[] random, int cipherSuite, bool encryptThenMac, bool earlyData)
    {
        Version = version;
        Random = random;
        CipherSuite = cipherSuite;
        EncryptThenMac = encryptThenMac;
        OffersEarlyData = earlyData;
    }

    /// <summary>The negotiated version: supported_versions' when present, else legacy_version (0x0303 = TLS 1.2, 0x0304 = TLS 1.3).</summary>
    public int Version { get; }

    /// <summary>The 32-byte random.</summary>
    public byte[] Random { get; }

    /// <summary>ServerHello.cipher_suite (0 for a ClientHello).</summary>
    public int CipherSuite { get; }

    /// <summary>ServerHello carries encrypt_then_mac.</summary>
    public bool EncryptThenMac { get; }

    /// <summary>ClientHello offers 0-RTT early_data.</summary>
    public bool OffersEarlyData { get; }

    /// <summary>This ServerHello is a HelloRetryRequest.</summary>
    public bool IsHelloRetryRequest => Random.AsSpan().SequenceEqual(HelloRetryRequestRandom);

    /// <summary>Reads a ClientHello body; null with a reason when malformed.</summary>
    public static TlsHello? TryParseClientHello(ReadOnlySpan<byte> body, out string? problem)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt16(out int version) || !reader.TryReadBytes(32, out ReadOnlySpan<byte> random)
            || !reader.TryReadVector8(out _) || !reader.TryReadVector16(out _) || !reader.TryReadVector8(out _))
        {
            problem = "ClientHello ends before its extensions";
            return null;
        }

        bool earlyData = false;
        if (!reader.IsEmpty && !TryReadExtensions(ref reader, (type, _) => earlyData |= type == EarlyDataExtension))
        {
            problem = "ClientHello.extensions is malformed";
            return null;
        }

        problem = null;
        return new TlsHello(version, random.ToArray(), 0, false, earlyData);
    }

    /// <summary>Reads a ServerHello body; null with a reason when malformed.</summary>
    public static TlsHello? TryParseServerHello(ReadOnlySpan<byte> body, out string? problem)
    {
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt16(out int version) || !reader.TryReadBytes(32, out ReadOnlySpan<byte> random)
            || !reader.TryReadVector8(out _) || !reader.TryReadUInt16(out int suite) || !reader.TryReadUInt8(out _))
        {
            problem = "ServerHello ends before its extensions";
            return null;
        }

        int selected = version;
        bool encryptThenMac = false;
        bool malformed = false;
        if (!reader.IsEmpty && !TryReadExtensions(ref reader, (type, data) =>
            {
                if (type == SupportedVersionsExtension)
                {
                    // [RFC 8446 4.2.1] ServerHello: selected_version, one uint16.
                    if (data.Length == 2)
                    {
                        selected = (data[0] << 8) | data[1];
                    }
                    else
                    {
                        malformed = true;
                    }
                }

                encryptThenMac |= type == EncryptThenMacExtension;
            }))
        {
            problem = "ServerHello.extensions is malformed";
            return null;
        }

        if (malformed)
        {
            problem = "ServerHello.supported_versions is not one version";
            return null;
        }

        problem = null;
        return new TlsHello(selected, random.ToArray(), suite, encryptThenMac, false);
    }

    private delegate void ExtensionVisitor(int type, ReadOnlySpan<byte> data);

    private static bool TryReadExtensions(ref TlsReader reader, ExtensionVisitor visit)
    {
        if (!reader.TryReadVector16(out ReadOnlySpan<byte> extensions) || !reader.IsEmpty)
        {
            return false;
        }

        var list = new TlsReader(extensions);
        while (!list.IsEmpty)
        {
            if (!list.TryReadUInt16(out int type) || !list.TryReadVector16(out ReadOnlySpan<byte> data))
            {
                return false;
            }

            visit(type, data);
        }

        return true;
    }
}
