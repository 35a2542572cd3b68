using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3] Server Security Data (TS_UD_SC_SEC1): the chosen Standard RDP Security method and level,
/// and, when they are not NONE, the server random and the server certificate ([2.2.1.4.3.1]: proprietary or X.509,
/// decoded by <c>ServerCertificate.TryDecode</c>).
/// </summary>
public sealed class ServerSecurityData
{
    /// <summary>serverRandomLen: always 32.</summary>
    public const int ServerRandomLength = 32;

    /// <summary>The largest serverCertLen accepted (a chain of a few certificates).</summary>
    public const int MaxCertificateLength = 16 * 1024;

    public ServerSecurityData(EncryptionMethods encryptionMethod, EncryptionLevel encryptionLevel, ReadOnlyMemory<byte> serverRandom = default, ReadOnlyMemory<byte> certificateBytes = default, ServerCertificate? certificate = null)
    {
        EncryptionMethod = encryptionMethod;
        EncryptionLevel = encryptionLevel;
        ServerRandom = serverRandom;
        CertificateBytes = certificateBytes;
        Certificate = certificate;
    }

    /// <summary>encryptionMethod.</summary>
    public EncryptionMethods EncryptionMethod { get; }

    /// <summary>encryptionLevel.</summary>
    public EncryptionLevel EncryptionLevel { get; }

    /// <summary>serverRandom (32 bytes), empty when the method and level are NONE.</summary>
    public ReadOnlyMemory<byte> ServerRandom { get; }

    /// <summary>serverCertificate as on the wire.</summary>
    public ReadOnlyMemory<byte> CertificateBytes { get; }

    /// <summary>serverCertificate decoded; null when absent.</summary>
    public ServerCertificate? Certificate { get; }

    internal void Write(RdpWriter writer)
    {
        bool keys = !ServerRandom.IsEmpty || !CertificateBytes.IsEmpty;
        writer.WriteUInt16(UserDataBlock.ServerSecurity);
        writer.WriteUInt16((ushort)(UserDataBlock.HeaderLength + 8 + (keys ? 8 + ServerRandom.Length + CertificateBytes.Length : 0)));
        writer.WriteUInt32((uint)EncryptionMethod);
        writer.WriteUInt32((uint)EncryptionLevel);
        if (keys)
        {
            writer.WriteUInt32((uint)ServerRandom.Length);
            writer.WriteUInt32((uint)CertificateBytes.Length);
            writer.WriteBytes(ServerRandom.Span);
            writer.WriteBytes(CertificateBytes.Span);
        }
    }

    /// <summary>Decodes an SC_SECURITY block's data (after its header).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ServerSecurityData? security, out DecodeError error)
    {
        security = null;
        var reader = new RdpReader(data, baseOffset);
        if (!reader.TryReadUInt32("encryptionMethod", out uint method) || !reader.TryReadUInt32("encryptionLevel", out uint level))
        {
            error = reader.Error;
            return false;
        }

        // [MS-RDPBCGR 2.2.1.4.3]: the random and certificate are present unless both method and level are NONE.
        if (reader.Remaining == 0)
        {
            security = new ServerSecurityData((EncryptionMethods)method, (EncryptionLevel)level);
            error = default;
            return true;
        }

        int randomLengthOffset = reader.Offset;
        if (!reader.TryReadUInt32("serverRandomLen", out uint randomLength))
        {
            error = reader.Error;
            return false;
        }

        if (randomLength != ServerRandomLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "serverRandomLen", randomLengthOffset, $"declares {randomLength}, expected 32");
            return false;
        }

        int certificateLengthOffset = reader.Offset;
        if (!reader.TryReadUInt32("serverCertLen", out uint certificateLength))
        {
            error = reader.Error;
            return false;
        }

        if (certificateLength > MaxCertificateLength || certificateLength > reader.Remaining - ServerRandomLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "serverCertLen", certificateLengthOffset, $"declares {certificateLength}, {Math.Max(0, reader.Remaining - ServerRandomLength)} remain (maximum {MaxCertificateLength})");
            return false;
        }

        reader.TryReadBytes("serverRandom", ServerRandomLength, out ReadOnlySpan<byte> random);
        int certificateOffset = reader.Offset;
        reader.TryReadBytes("serverCertificate", (int)certificateLength, out ReadOnlySpan<byte> certificateBytes);
        ServerCertificate? certificate = null;
        if (!certificateBytes.IsEmpty && !ServerCertificate.TryDecode(certificateBytes, out certificate, out DecodeError certificateError))
        {
            error = certificateError with { Offset = certificateError.Offset + certificateOffset, Field = "serverCertificate." + certificateError.Field };
            return false;
        }

        security = new ServerSecurityData((EncryptionMethods)method, (EncryptionLevel)level, random.ToArray(), certificateBytes.ToArray(), certificate);
        error = default;
        return true;
    }
}
