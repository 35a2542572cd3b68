using TsThinLic.Pdu;

namespace TsThinLic.Licensing;

/// <summary>Choices the caller makes for a <see cref="LicensingClient"/>.</summary>
public sealed class LicensingClientOptions
{
    /// <summary>
    /// The certificate from the connection's GCC Server Security Data ([MS-RDPBCGR 2.2.1.4.3]), used when the
    /// LICENSE_REQUEST carries none ([MS-RDPELE 2.2.2.1]: its ServerCertificate may be empty).
    /// </summary>
    public ServerCertificate? GccServerCertificate { get; init; }

    /// <summary>
    /// wClientType of PLATFORM_CHALLENGE_RESPONSE_DATA. Win32 by default: it goes with the Windows PlatformId that
    /// Windows clients and FreeRDP announce.
    /// </summary>
    public ushort ClientType { get; init; } = PlatformChallengeResponseData.ClientTypeWin32;

    /// <summary>
    /// The preamble flags the client writes. Null: PREAMBLE_VERSION_3_0 with EXTENDED_ERROR_MSG_SUPPORTED (0x83) to every
    /// server, as mstsc sends them even to a server that speaks version 2 ([MS-RDPELE 4.2]; the mstsc recordings in
    /// ../shared/windows-licensing/mstsc-client.json).
    /// </summary>
    public byte? PreambleFlags { get; init; }

    /// <summary>Whether replies carry the 4-byte basic security header.</summary>
    public SecurityHeaderPolicy SecurityHeader { get; init; } = SecurityHeaderPolicy.MirrorServer;
}
