using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPELE 2.2.2.5.1] Platform Challenge Response Data (PLATFORM_CHALLENGE_RESPONSE_DATA): wVersion, wClientType,
/// wLicenseDetailLevel, cbChallenge, pbChallenge: the plaintext of EncryptedPlatformChallengeResponse.
/// </summary>
public sealed class PlatformChallengeResponseData
{
    /// <summary>wVersion: PLATFORM_CHALLENGE_RESPONSE_VERSION.</summary>
    public const ushort CurrentVersion = 0x0100;

    /// <summary>wClientType WIN32_PLATFORMCHALLENGE_TYPE.</summary>
    public const ushort ClientTypeWin32 = 0x0100;

    /// <summary>wClientType WIN16_PLATFORMCHALLENGE_TYPE.</summary>
    public const ushort ClientTypeWin16 = 0x0200;

    /// <summary>wClientType WINCE_PLATFORMCHALLENGE_TYPE.</summary>
    public const ushort ClientTypeWinCe = 0x0300;

    /// <summary>wClientType OTHER_PLATFORMCHALLENGE_TYPE.</summary>
    public const ushort ClientTypeOther = 0xFF00;

    /// <summary>wLicenseDetailLevel LICENSE_DETAIL_SIMPLE.</summary>
    public const ushort LicenseDetailSimple = 0x0001;

    /// <summary>wLicenseDetailLevel LICENSE_DETAIL_MODERATE.</summary>
    public const ushort LicenseDetailModerate = 0x0002;

    /// <summary>wLicenseDetailLevel LICENSE_DETAIL_DETAIL.</summary>
    public const ushort LicenseDetailDetail = 0x0003;

    public const int FixedLength = 2 /* wVersion */ + 2 /* wClientType */ + 2 /* wLicenseDetailLevel */ + 2 /* cbChallenge */;

    /// <exception cref="ArgumentOutOfRangeException">The challenge does not fit cbChallenge (65535 bytes).</exception>
    public PlatformChallengeResponseData(ushort version, ushort clientType, ushort licenseDetailLevel, ReadOnlyMemory<byte> challenge)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(challenge.Length, ushort.MaxValue, nameof(challenge));
        Version = version;
        ClientType = clientType;
        LicenseDetailLevel = licenseDetailLevel;
        Challenge = challenge;
    }

    /// <summary>wVersion.</summary>
    public ushort Version { get; }

    /// <summary>wClientType.</summary>
    public ushort ClientType { get; }

    /// <summary>wLicenseDetailLevel.</summary>
    public ushort LicenseDetailLevel { get; }

    /// <summary>pbChallenge: the decrypted platform challenge, echoed back.</summary>
    public ReadOnlyMemory<byte> Challenge { get; }

    public int GetEncodedLength() => FixedLength + Challenge.Length;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < GetEncodedLength())
        {
            bytesWritten = 0;
            return false;
        }

        var writer = new WireWriter(destination);
        writer.WriteUInt16(Version);
        writer.WriteUInt16(ClientType);
        writer.WriteUInt16(LicenseDetailLevel);
        writer.WriteUInt16((ushort)Challenge.Length);
        writer.WriteBytes(Challenge.Span);
        bytesWritten = writer.Position;
        return true;
    }

    public byte[] ToArray()
    {
        byte[] bytes = new byte[GetEncodedLength()];
        TryEncode(bytes, out _);
        return bytes;
    }

    /// <summary>Decodes the decrypted EncryptedPlatformChallengeResponse; it must be exactly one structure.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out PlatformChallengeResponseData? result, out DecodeError error)
    {
        result = null;
        if (data.Length > LicensingLimits.MaxDecryptedStructureLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "wBlobLen", 0, $"{data.Length} bytes, maximum {LicensingLimits.MaxDecryptedStructureLength}");
            return false;
        }

        var reader = new WireReader(data.ToArray(), 0);
        if (!reader.TryReadUInt16("wVersion", out ushort version)
            || !reader.TryReadUInt16("wClientType", out ushort clientType)
            || !reader.TryReadUInt16("wLicenseDetailLevel", out ushort detailLevel)
            || !reader.TryReadLength16("cbChallenge", ushort.MaxValue, out int challengeLength)
            || !reader.TryReadBytes("pbChallenge", challengeLength, out ReadOnlyMemory<byte> challenge)
            || !reader.TryExpectEnd("cbChallenge"))
        {
            error = reader.Error;
            return false;
        }

        result = new PlatformChallengeResponseData(version, clientType, detailLevel, challenge);
        error = default;
        return true;
    }
}
