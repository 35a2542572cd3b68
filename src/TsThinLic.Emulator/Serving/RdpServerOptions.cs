using TsThinLic.Rdp;

namespace TsThinLic.Emulator.Serving;

/// <summary>How the emulated RDP server (<see cref="RdpServerConnection"/>) answers: security, encryption, certificate, strictness.</summary>
public sealed class RdpServerOptions
{
    /// <summary>The MCS channel the server sends from (pduSource, the Share nodeId): 1002 on Windows.</summary>
    public const ushort ServerChannelId = 1002;

    /// <summary>The MCS I/O channel (MCSChannelId of SC_NET).</summary>
    public const ushort IoChannelId = 1003;

    /// <summary>The user channel the client is given in Attach User Confirm.</summary>
    public const ushort ClientUserId = 1007;

    /// <summary>The first static virtual channel ID handed out.</summary>
    public const ushort FirstStaticChannelId = 1004;

    /// <summary>Which security protocols the server accepts.</summary>
    public ServerSecurityMode Security { get; init; } = ServerSecurityMode.Negotiate;

    /// <summary>
    /// The Standard RDP Security method ([MS-RDPBCGR 5.3.2]): <see cref="EncryptionMethods.None"/> (level NONE), 40, 56
    /// (level CLIENT_COMPATIBLE), 128 (HIGH) or FIPS (FIPS). A client that does not offer it is refused.
    /// </summary>
    public EncryptionMethods Encryption { get; init; } = EncryptionMethods.Bits128;

    /// <summary>The certificate of SC_SECURITY and LICENSE_REQUEST.</summary>
    public EmulatedCertificateKind Certificate { get; init; } = EmulatedCertificateKind.Proprietary512;

    /// <summary>Refuse clients outside the spec that a tolerant server accepts (see <see cref="EmulatedLicenseServerOptions.Strict"/>).</summary>
    public bool Strict { get; init; }

    /// <summary>Keep each connection's licensing client random and premaster secret for a secrets file (test servers only).</summary>
    public bool RecordSecrets { get; init; }

    /// <summary>The per-device license pool every connection shares.</summary>
    public required EmulatedLicensePool Pool { get; init; }

    /// <summary>The clock of minted CALs (the pool has its own, normally the same).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>SC_CORE version: RDP 5.0 – 8.1.</summary>
    public uint ServerVersion { get; init; } = 0x00080004;

    /// <summary>The most PDUs one connection may send before it is cut off (a loop never runs unbounded).</summary>
    public int MaxPdus { get; init; } = 256;

    /// <summary>The most licensing PDUs one connection may send (every real exchange needs three at most, five with a reset).</summary>
    public int MaxLicensingPdus { get; init; } = 16;
}
