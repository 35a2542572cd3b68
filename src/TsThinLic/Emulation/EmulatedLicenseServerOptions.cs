using TsThinLic.Pdu;

namespace TsThinLic.Emulation;

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

    /// <summary>The preamble version the server writes (3 for RDP 5.0 and later).</summary>
    public byte PreambleVersion { get; init; } = LicensePreamble.PreambleVersion3;

    /// <summary>In the automatic script, whether a presented CAL is renewed (challenge → UPGRADE_LICENSE) instead of accepted.</summary>
    public bool UpgradePresentedLicenses { get; init; }

    /// <summary>
    /// The CAL (pbLicenseInfo) to issue to a client. Default: the CAL of [MS-RDPELE 4.6], the same for every client.
    /// </summary>
    public Func<EmulatedLicenseContext, ReadOnlyMemory<byte>>? LicenseFactory { get; init; }
}
