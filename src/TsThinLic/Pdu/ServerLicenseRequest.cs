using System.Buffers.Binary;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.1] Server License Request (SERVER_LICENSE_REQUEST): ServerRandom, ProductInfo, KeyExchangeList,
/// ServerCertificate, ScopeList. The certificate blob may be empty; the client then uses the GCC Server Security Data
/// certificate.
/// </summary>
public sealed class ServerLicenseRequest : LicensingPdu
{
    public const int ServerRandomLength = 32;

    private const int MinimumBodyLength = ServerRandomLength + ProductInfo.MinimumLength
        + LicenseBinaryBlob.HeaderLength /* KeyExchangeList */ + LicenseBinaryBlob.HeaderLength /* ServerCertificate */ + 4 /* ScopeCount */;

    private readonly uint[] _keyExchangeAlgorithms;
    private readonly LicenseBinaryBlob[] _scopeBlobs;
    private string[]? _scopes;

    /// <summary>
    /// Builds a request with the spec's blob types: BB_KEY_EXCHG_ALG_BLOB, BB_CERTIFICATE_BLOB (empty when
    /// <paramref name="certificate"/> is null), one BB_SCOPE_BLOB per scope (ANSI with a NUL).
    /// </summary>
    public ServerLicenseRequest(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        ReadOnlyMemory<byte> serverRandom,
        ProductInfo productInfo,
        IReadOnlyList<uint> keyExchangeAlgorithms,
        ServerCertificate? certificate,
        IReadOnlyList<string> scopes)
        : this(
            preamble,
            securityHeader,
            serverRandom,
            productInfo,
            KeyExchangeBlob(keyExchangeAlgorithms, out uint[] algorithms),
            algorithms,
            new LicenseBinaryBlob(BinaryBlobType.Certificate, certificate?.ToArray() ?? ReadOnlyMemory<byte>.Empty),
            certificate,
            ScopeBlobsOf(scopes))
    {
    }

    private ServerLicenseRequest(
        LicensePreamble preamble,
        SecurityHeader? securityHeader,
        ReadOnlyMemory<byte> serverRandom,
        ProductInfo productInfo,
        LicenseBinaryBlob keyExchangeList,
        uint[] keyExchangeAlgorithms,
        LicenseBinaryBlob certificateBlob,
        ServerCertificate? certificate,
        LicenseBinaryBlob[] scopeBlobs)
        : base(preamble, securityHeader, LicensingMessageType.LicenseRequest)
    {
        ArgumentNullException.ThrowIfNull(productInfo);
        ServerRandom = RequireLength(serverRandom, ServerRandomLength, nameof(serverRandom));
        ProductInfo = productInfo;
        KeyExchangeList = keyExchangeList;
        _keyExchangeAlgorithms = keyExchangeAlgorithms;
        CertificateBlob = certificateBlob;
        Certificate = certificate;
        _scopeBlobs = scopeBlobs;
        EnsureFitsMessageSize();
    }

    /// <summary>ServerRandom (32 bytes).</summary>
    public ReadOnlyMemory<byte> ServerRandom { get; }

    /// <summary>ProductInfo.</summary>
    public ProductInfo ProductInfo { get; }

    /// <summary>KeyExchangeList as received (its type kept for re-encoding).</summary>
    public LicenseBinaryBlob KeyExchangeList { get; }

    /// <summary>The KeyExchangeList entries (KEY_EXCHANGE_ALG_RSA = 1).</summary>
    public IReadOnlyList<uint> KeyExchangeAlgorithms => _keyExchangeAlgorithms;

    /// <summary>ServerCertificate as received; empty when the server sent none.</summary>
    public LicenseBinaryBlob CertificateBlob { get; }

    /// <summary>The decoded ServerCertificate, or null when the blob is empty.</summary>
    public ServerCertificate? Certificate { get; }

    /// <summary>The ScopeList scopes, without their NULs (read as Latin-1).</summary>
    public IReadOnlyList<string> Scopes => _scopes ??= Array.ConvertAll(_scopeBlobs, blob => WireStrings.DecodeAnsiZ(blob.Data.Span));

    /// <summary>The ScopeList SCOPE blobs as received.</summary>
    public IReadOnlyList<LicenseBinaryBlob> ScopeBlobs => _scopeBlobs;

    private protected override int BodyLength
    {
        get
        {
            int length = ServerRandomLength + ProductInfo.EncodedLength + KeyExchangeList.EncodedLength + CertificateBlob.EncodedLength + 4 /* ScopeCount */;
            foreach (LicenseBinaryBlob scope in _scopeBlobs)
            {
                length += scope.EncodedLength;
            }

            return length;
        }
    }

    internal static int MinimumMessageSize => LicensePreamble.Length + MinimumBodyLength;

    internal static bool TryDecodeBody(LicensePreamble preamble, SecurityHeader? securityHeader, ReadOnlyMemory<byte> body, int baseOffset, out LicensingPdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new WireReader(body, baseOffset);
        if (!reader.TryReadBytes("ServerRandom", ServerRandomLength, out ReadOnlyMemory<byte> serverRandom)
            || !ProductInfo.TryRead(ref reader, out ProductInfo? productInfo, out error))
        {
            error = reader.Error;
            return false;
        }

        int keyExchangeLengthOffset = reader.Offset + 2;
        if (!reader.TryReadBlob("KeyExchangeList", out LicenseBinaryBlob keyExchangeList))
        {
            error = reader.Error;
            return false;
        }

        // [MS-RDPELE 2.2.2.1]: KeyExchangeList is an array of 32-bit algorithm identifiers.
        if (keyExchangeList.Data.Length % 4 != 0)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "wBlobLen", keyExchangeLengthOffset, $"KeyExchangeList: {keyExchangeList.Data.Length} bytes is not a whole number of 32-bit entries");
            return false;
        }

        if (keyExchangeList.Data.Length / 4 > LicensingLimits.MaxKeyExchangeAlgorithmCount)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "wBlobLen", keyExchangeLengthOffset, $"KeyExchangeList: {keyExchangeList.Data.Length / 4} entries, maximum {LicensingLimits.MaxKeyExchangeAlgorithmCount}");
            return false;
        }

        uint[] algorithms = new uint[keyExchangeList.Data.Length / 4];
        for (int i = 0; i < algorithms.Length; i++)
        {
            algorithms[i] = BinaryPrimitives.ReadUInt32LittleEndian(keyExchangeList.Data.Span.Slice(i * 4));
        }

        if (!reader.TryReadBlob("ServerCertificate", out LicenseBinaryBlob certificateBlob))
        {
            error = reader.Error;
            return false;
        }

        ServerCertificate? certificate = null;
        if (!certificateBlob.IsEmpty
            && !ServerCertificate.TryDecode(certificateBlob.Data, reader.Offset - certificateBlob.Data.Length, out certificate, out error))
        {
            return false;
        }

        if (!reader.TryReadCount32("ScopeCount", 0, LicensingLimits.MaxScopeCount, LicenseBinaryBlob.HeaderLength, out int scopeCount))
        {
            error = reader.Error;
            return false;
        }

        var scopes = new LicenseBinaryBlob[scopeCount];
        for (int i = 0; i < scopeCount; i++)
        {
            if (!reader.TryReadBlob("Scope", out scopes[i]))
            {
                error = reader.Error;
                return false;
            }
        }

        if (!reader.TryExpectEnd("wMsgSize"))
        {
            error = reader.Error;
            return false;
        }

        pdu = new ServerLicenseRequest(preamble, securityHeader, serverRandom, productInfo!, keyExchangeList, algorithms, certificateBlob, certificate, scopes);
        error = default;
        return true;
    }

    private protected override void WriteBody(ref WireWriter writer)
    {
        writer.WriteBytes(ServerRandom.Span);
        ProductInfo.Write(ref writer);
        writer.WriteBlob(KeyExchangeList);
        writer.WriteBlob(CertificateBlob);
        writer.WriteUInt32((uint)_scopeBlobs.Length);
        foreach (LicenseBinaryBlob scope in _scopeBlobs)
        {
            writer.WriteBlob(scope);
        }
    }

    private static LicenseBinaryBlob KeyExchangeBlob(IReadOnlyList<uint> keyExchangeAlgorithms, out uint[] algorithms)
    {
        ArgumentNullException.ThrowIfNull(keyExchangeAlgorithms);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyExchangeAlgorithms.Count, LicensingLimits.MaxKeyExchangeAlgorithmCount, nameof(keyExchangeAlgorithms));
        algorithms = [.. keyExchangeAlgorithms];
        byte[] data = new byte[algorithms.Length * 4];
        for (int i = 0; i < algorithms.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(i * 4), algorithms[i]);
        }

        return new LicenseBinaryBlob(BinaryBlobType.KeyExchangeAlgorithm, data);
    }

    private static LicenseBinaryBlob[] ScopeBlobsOf(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scopes.Count, LicensingLimits.MaxScopeCount, nameof(scopes));
        var blobs = new LicenseBinaryBlob[scopes.Count];
        for (int i = 0; i < blobs.Length; i++)
        {
            blobs[i] = new LicenseBinaryBlob(BinaryBlobType.Scope, WireStrings.EncodeAnsiZ(scopes[i]));
        }

        return blobs;
    }
}
