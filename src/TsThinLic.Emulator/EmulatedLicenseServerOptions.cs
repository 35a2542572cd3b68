using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>What the emulated license server offers and how it frames its PDUs.</summary>
public sealed class EmulatedLicenseServerOptions
{
    /// <summary>ProductInfo.dwVersion of the offer (and the version of the licenses it issues): 0x00060000 as in [MS-RDPELE 4.1].</summary>
    public uint ProductVersion { get; init; } = 0x00060000;

    /// <summary>ProductInfo.pbCompanyName.</summary>
    public string CompanyName { get; init; } = "Microsoft Corporation";

    /// <summary>ProductInfo.pbProductId.</summary>
    public string ProductId { get; init; } = "A02";

    /// <summary>ScopeList; the first is the scope of the licenses it issues.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["microsoft.com"];

    /// <summary>Whether LICENSE_REQUEST carries the server certificate (else the client must fall back to the GCC one).</summary>
    public bool IncludeCertificate { get; init; } = true;

    /// <summary>Whether each PDU carries a basic security header (SEC_LICENSE_PKT).</summary>
    public bool SecurityHeader { get; init; } = true;

    /// <summary>The certificate (and key) of LICENSE_REQUEST; the default is today's 2048-bit proprietary one.</summary>
    public EmulatedCertificateKind CertificateKind { get; init; } = EmulatedCertificateKind.Proprietary2048;

    /// <summary>
    /// Whether a client that does what real clients do outside the spec (rdesktop's zero premaster and bare challenge
    /// echo, see <see cref="EmulatedLicenseServer.Quirks"/>) is refused with ERR_INVALID_CLIENT and ST_TOTAL_ABORT at the
    /// PDU that shows it. Off: tolerated and noted. MAC failures are refused either way (ERR_INVALID_MAC).
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Whether the server keeps the client random and premaster secret of each exchange (<see cref="EmulatedLicenseServer.RecordedSecrets"/>)
    /// for a replay of the capture: key material, for test servers only.
    /// </summary>
    public bool RecordSecrets { get; init; }

    /// <summary>The preamble version the server writes (3 for RDP 5.0 and later).</summary>
    public byte PreambleVersion { get; init; } = LicensePreamble.PreambleVersion3;

    /// <summary>In the automatic script, whether a presented CAL is renewed (challenge → UPGRADE_LICENSE) instead of accepted.</summary>
    public bool UpgradePresentedLicenses { get; init; }

    /// <summary>
    /// The CAL (pbLicenseInfo) to issue to a client. Default: one minted for that client (its HWID, machine and user)
    /// like a Windows license server's: temporary for 90 days on a first issue, permanent for 52 to 89 days on an
    /// upgrade (Microsoft's RDS CAL documentation).
    /// </summary>
    public Func<EmulatedLicenseContext, ReadOnlyMemory<byte>>? LicenseFactory { get; init; }

    /// <summary>
    /// A pool of permanent per-device CALs, shared by every server given the same instance (a fleet of devices talking
    /// to one license server). With it the automatic mode answers as a per-device license server does: temporary CAL on
    /// a first connection, upgrade to a permanent one after a logon while seats last, renewal in the last 7 days, seats
    /// returning when a CAL expires unrenewed (see <see cref="EmulatedLicensePool"/>); it then decides every CAL, so it
    /// goes with neither a script, <see cref="LicenseFactory"/> nor <see cref="UpgradePresentedLicenses"/>. Without it
    /// (the default) every client is licensed as described on those.
    /// </summary>
    public EmulatedLicensePool? LicensePool { get; init; }

    /// <summary>The clock that dates minted CALs (the pool's own clock dates the pool's).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The license server's name (issuer CN of minted CALs).</summary>
    public string ServerName { get; init; } = "TSTHINLIC-LS";

    /// <summary>The license server's ID, as in the license-server-info extension.</summary>
    public string ServerId { get; init; } = "00000-00000-00000-AA000";
}
