using TsThinLic.Rdp.Nla;
using TsThinLic.Transport;

namespace TsThinLic.Rdp.Connection;

/// <summary>What <see cref="RdpProbe"/> connects with.</summary>
public sealed class RdpProbeOptions
{
    /// <summary>The RDP port when none is given.</summary>
    public const int DefaultPort = 3389;

    /// <summary>Which security to ask for.</summary>
    public ProbeSecurity Security { get; init; } = ProbeSecurity.Auto;

    /// <summary>UserName sent in the Client Info PDU, the X.224 cookie and the licensing ClientUserName.</summary>
    public string UserName { get; init; } = "user";

    /// <summary>Domain sent in the Client Info PDU.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>ClientMachineName (licensing) and clientName (core data).</summary>
    public string MachineName { get; init; } = "thinclient";

    /// <summary>PlatformId of a HWID created when the store has none.</summary>
    public uint PlatformId { get; init; } = PipeLicensingDriverOptions.DefaultPlatformId;

    /// <summary>The whole attempt, TCP connect through the licensing outcome, must end within this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After the licensing outcome, how long to wait for the server's verdict (Demand Active, Set Error Info, Disconnect Provider Ultimatum).</summary>
    public TimeSpan VerdictTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Credentials for Network Level Authentication (the caller keeps and disposes them); null: NLA is not possible.</summary>
    public NlaCredentials? Credentials { get; init; }

    /// <summary>Raw NTLM or SPNEGO; null tries raw NTLM first, then SPNEGO if the server refuses it (as mstsc does).</summary>
    public NlaTokenFormat? TokenFormat { get; init; }

    /// <summary>The SHA-256 fingerprint the TLS certificate must have (--expect-certificate); null: not checked.</summary>
    public byte[]? ExpectedCertificate { get; init; }
}
