using TsThinLic.Licensing;

namespace TsThinLic.Transport;

/// <summary>Who the client says it is in a <see cref="LicensingExchange"/>, and the sans-I/O client's options.</summary>
public sealed class LicensingExchangeOptions
{
    /// <summary>
    /// PlatformId of a HWID the exchange creates ([MS-RDPELE 2.2.2.3.1]): 0x04010000, Windows NT post-5.2 by Microsoft,
    /// as Windows clients and FreeRDP announce it.
    /// </summary>
    public const uint DefaultPlatformId = 0x04010000;

    /// <summary>ClientUserName to send.</summary>
    public string UserName { get; init; } = "user";

    /// <summary>ClientMachineName to send.</summary>
    public string MachineName { get; init; } = "thinclient";

    /// <summary>PlatformId for a new HWID (a stored HWID keeps its own).</summary>
    public uint PlatformId { get; init; } = DefaultPlatformId;

    /// <summary>Options for the sans-I/O client.</summary>
    public LicensingClientOptions Client { get; init; } = new();
}
