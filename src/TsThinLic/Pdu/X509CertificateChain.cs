using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.1.4.2] X.509 Certificate Chain (SERVER_CERTIFICATE with certChainVersion 2): NumCertBlobs,
/// CertBlobArray (cbCert, abCert each), Padding. The license server's certificate comes first; the terminal server's,
/// whose key encrypts the premaster secret, last. The spec sizes the padding 8 + 4 × NumCertBlobs bytes; whatever
/// follows the last certificate is kept as padding so the chain re-encodes exactly.
/// </summary>
public sealed class X509CertificateChain : ServerCertificate
{
    private readonly ReadOnlyMemory<byte>[] _certificates;

    /// <summary>A chain with the spec's zero padding (8 + 4 × count bytes).</summary>
    public X509CertificateChain(IReadOnlyList<ReadOnlyMemory<byte>> certificates, bool issuedPermanently = true)
        : this(
            CertChainVersion2 | (issuedPermanently ? IssuedPermanentlyFlag : 0),
            certificates,
            new byte[8 + (4 * (certificates ?? throw new ArgumentNullException(nameof(certificates))).Count)])
    {
    }

    /// <summary>Every field as on the wire.</summary>
    /// <exception cref="ArgumentException">dwVersion is not CERT_CHAIN_VERSION_2, or there are 0 or more than
    /// <see cref="LicensingLimits.MaxCertificateCount"/> certificates, or one exceeds <see cref="LicensingLimits.MaxCertificateLength"/>.</exception>
    public X509CertificateChain(uint version, IReadOnlyList<ReadOnlyMemory<byte>> certificates, ReadOnlyMemory<byte> padding)
        : base(version)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if ((version & ~IssuedPermanentlyFlag) != CertChainVersion2)
        {
            throw new ArgumentException("An X.509 chain has certChainVersion 2.", nameof(version));
        }

        ArgumentOutOfRangeException.ThrowIfZero(certificates.Count, nameof(certificates));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(certificates.Count, LicensingLimits.MaxCertificateCount, nameof(certificates));
        _certificates = new ReadOnlyMemory<byte>[certificates.Count];
        for (int i = 0; i < _certificates.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(certificates[i].Length, LicensingLimits.MaxCertificateLength, nameof(certificates));
            _certificates[i] = certificates[i];
        }

        Padding = padding;
    }

    public override ServerCertificateType Type => ServerCertificateType.X509;

    /// <summary>CertBlobArray: each abCert, a DER certificate. The last one holds the key for the premaster secret.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Certificates => _certificates;

    /// <summary>Padding as received (normally 8 + 4 × NumCertBlobs zero bytes).</summary>
    public ReadOnlyMemory<byte> Padding { get; }

    public int PaddingLength => Padding.Length;

    public override int GetEncodedLength()
    {
        int length = 4 /* dwVersion */ + 4 /* NumCertBlobs */ + Padding.Length;
        foreach (ReadOnlyMemory<byte> certificate in _certificates)
        {
            length += 4 /* cbCert */ + certificate.Length;
        }

        return length;
    }

    internal static bool TryRead(ref WireReader reader, uint version, [NotNullWhen(true)] out X509CertificateChain? chain)
    {
        chain = null;
        if (!reader.TryReadCount32("NumCertBlobs", 1, LicensingLimits.MaxCertificateCount, 4 /* cbCert */, out int count))
        {
            return false;
        }

        var certificates = new ReadOnlyMemory<byte>[count];
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryReadLength32("cbCert", LicensingLimits.MaxCertificateLength, out int length)
                || !reader.TryReadBytes("abCert", length, out certificates[i]))
            {
                return false;
            }
        }

        chain = new X509CertificateChain(version, certificates, reader.ReadRest());
        return true;
    }

    internal override void Write(ref WireWriter writer)
    {
        writer.WriteUInt32(Version);
        writer.WriteUInt32((uint)_certificates.Length);
        foreach (ReadOnlyMemory<byte> certificate in _certificates)
        {
            writer.WriteLengthPrefixed32(certificate.Span);
        }

        writer.WriteBytes(Padding.Span);
    }
}
