using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3.1] Server Certificate (SERVER_CERTIFICATE): dwVersion, certData. Found in the ServerCertificate
/// blob of SERVER_LICENSE_REQUEST ([MS-RDPELE 2.2.2.1]) and in the GCC Server Security Data. Either a
/// <see cref="ProprietaryServerCertificate"/> (certChainVersion 1) or an <see cref="X509CertificateChain"/> (2); the top
/// bit of dwVersion says whether the certificate was issued permanently.
/// </summary>
public abstract class ServerCertificate
{
    /// <summary>The t bit of dwVersion: set when the certificate was issued permanently, clear when temporarily.</summary>
    public const uint IssuedPermanentlyFlag = 0x80000000;

    /// <summary>CERT_CHAIN_VERSION_1.</summary>
    public const uint CertChainVersion1 = 0x00000001;

    /// <summary>CERT_CHAIN_VERSION_2.</summary>
    public const uint CertChainVersion2 = 0x00000002;

    private protected ServerCertificate(uint version)
    {
        Version = version;
    }

    /// <summary>dwVersion as on the wire, top bit included.</summary>
    public uint Version { get; }

    public bool IssuedPermanently => (Version & IssuedPermanentlyFlag) != 0;

    public abstract ServerCertificateType Type { get; }

    public abstract int GetEncodedLength();

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var writer = new WireWriter(destination);
        Write(ref writer);
        bytesWritten = writer.Position;
        return true;
    }

    public byte[] ToArray()
    {
        byte[] bytes = new byte[GetEncodedLength()];
        TryEncode(bytes, out _);
        return bytes;
    }

    /// <summary>
    /// Decodes a whole SERVER_CERTIFICATE (the GCC Server Security Data serverCertificate, serverCertLen bytes).
    /// Never throws on wire data. The bytes are copied once; the certificate's fields point into that copy.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ServerCertificate? certificate, out DecodeError error)
    {
        certificate = null;
        if (data.Length > LicensingLimits.MaxServerCertificateLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "serverCertLen", 0, $"{data.Length} bytes, maximum {LicensingLimits.MaxServerCertificateLength}");
            return false;
        }

        return TryDecode(data.ToArray(), 0, out certificate, out error);
    }

    /// <summary>Decodes from owned memory; offsets in the error are <paramref name="baseOffset"/> + position.</summary>
    internal static bool TryDecode(ReadOnlyMemory<byte> data, int baseOffset, [NotNullWhen(true)] out ServerCertificate? certificate, out DecodeError error)
    {
        certificate = null;
        var reader = new WireReader(data, baseOffset);
        int versionOffset = reader.Offset;
        if (!reader.TryReadUInt32("dwVersion", out uint version))
        {
            error = reader.Error;
            return false;
        }

        switch (version & ~IssuedPermanentlyFlag)
        {
            case CertChainVersion1:
                if (ProprietaryServerCertificate.TryRead(ref reader, data, version, out ProprietaryServerCertificate? proprietary))
                {
                    certificate = proprietary;
                    error = default;
                    return true;
                }

                break;

            case CertChainVersion2:
                if (X509CertificateChain.TryRead(ref reader, version, out X509CertificateChain? chain))
                {
                    certificate = chain;
                    error = default;
                    return true;
                }

                break;

            default:
                reader.Fail(DecodeErrorKind.InvalidValue, "dwVersion", versionOffset, $"certChainVersion {version & ~IssuedPermanentlyFlag} is neither CERT_CHAIN_VERSION_1 nor CERT_CHAIN_VERSION_2");
                break;
        }

        error = reader.Error;
        return false;
    }

    internal abstract void Write(ref WireWriter writer);
}
