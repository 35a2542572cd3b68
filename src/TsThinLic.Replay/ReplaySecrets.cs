using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Replay;

/// <summary>
/// What the replayed client is given so it faces the captured client's situation: its identity (platform ID, user
/// and machine names, HWID), the CALs it held, and the randoms it drew. With the premaster secret(s) and the HWID
/// known, the client's PDUs replay byte for byte; without them only what does not depend on them is compared.
/// </summary>
public sealed class ReplaySecrets
{
    /// <summary>Nothing known.</summary>
    public static ReplaySecrets None { get; } = new();

    /// <summary>The client randoms, one per LICENSE_REQUEST the client answered, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ClientRandoms { get; init; } = [];

    /// <summary>The premaster secrets, one per LICENSE_REQUEST the client answered, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PreMasterSecrets { get; init; } = [];

    /// <summary>The client's HWID (PlatformId + 16 bytes).</summary>
    public ClientHardwareId? HardwareId { get; init; }

    /// <summary>The PlatformId the client announced (used when the HWID is unknown).</summary>
    public uint? PlatformId { get; init; }

    /// <summary>ClientUserName.</summary>
    public string? UserName { get; init; }

    /// <summary>ClientMachineName.</summary>
    public string? MachineName { get; init; }

    /// <summary>
    /// The server certificate of the connection's GCC Server Security Data ([MS-RDPBCGR 2.2.1.4.3]), as on the wire;
    /// the client uses it when LICENSE_REQUEST carries no certificate. Empty when unknown.
    /// </summary>
    public ReadOnlyMemory<byte> GccServerCertificate { get; init; }

    /// <summary>The CALs in the client's store when the exchange started.</summary>
    public IReadOnlyList<StoredLicense> StoredLicenses { get; init; } = [];

    /// <summary>
    /// Whether the client's PDUs can be reproduced byte for byte: the HWID is known and a premaster secret for every
    /// client random (an exchange where the client drew none has nothing secret in it).
    /// </summary>
    public bool AllowsByteExactReplay => HardwareId is not null && PreMasterSecrets.Count >= ClientRandoms.Count;
}
