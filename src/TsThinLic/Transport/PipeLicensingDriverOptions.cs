using TsThinLic.Licensing;

namespace TsThinLic.Transport;

/// <summary>What the driver needs besides its store, random source and clock.</summary>
public sealed class PipeLicensingDriverOptions
{
    /// <summary>
    /// PlatformId of a HWID the driver creates ([MS-RDPELE 2.2.2.3.1]): 0x04010000, Windows NT post-5.2 by Microsoft,
    /// as Windows clients and FreeRDP announce it.
    /// </summary>
    public const uint DefaultPlatformId = LicensingExchangeOptions.DefaultPlatformId;

    /// <summary>ClientUserName to send.</summary>
    public string UserName { get; init; } = "user";

    /// <summary>ClientMachineName to send.</summary>
    public string MachineName { get; init; } = "thinclient";

    /// <summary>PlatformId for a new HWID (a stored HWID keeps its own).</summary>
    public uint PlatformId { get; init; } = DefaultPlatformId;

    /// <summary>How long to wait for each server PDU.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Options for the sans-I/O client.</summary>
    public LicensingClientOptions Client { get; init; } = new();

    /// <summary>Called with each PDU as it crosses (for a live view); must not throw.</summary>
    public Action<LicensingPduRecord>? OnPdu { get; init; }

    /// <summary>The exchange's share of these options.</summary>
    internal LicensingExchangeOptions ToExchangeOptions() => new() { UserName = UserName, MachineName = MachineName, PlatformId = PlatformId, Client = Client };
}
