using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>What the emulated license server puts into one client's CAL.</summary>
public sealed record CalMintRequest
{
    /// <summary>The client's HWID, hidden in the leaf's subject serialNumber.</summary>
    public required ClientHardwareId HardwareId { get; init; }

    /// <summary>Issued-to machine (subject CN).</summary>
    public required string MachineName { get; init; }

    /// <summary>Issued-to user (subject L).</summary>
    public required string UserName { get; init; }

    /// <summary>The product the client asked for ("A02").</summary>
    public string RequestedProductId { get; init; } = "A02";

    /// <summary>The license ID ("A02-6.00-S").</summary>
    public required string LicenseId { get; init; }

    public ushort MajorVersion { get; init; }

    public ushort MinorVersion { get; init; }

    /// <summary>A temporary CAL (TEMPORARY_LICENSE set) or a permanent one.</summary>
    public bool Temporary { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The leaf's certificate serial number.</summary>
    public ulong SerialNumber { get; init; } = 1;
}
