using TsThinLic.Licensing;
using TsThinLic.Rdp.Nla;

namespace TsThinLic.Rdp.Connection;

/// <summary>What the client announces in the connection sequence.</summary>
public sealed class RdpConnectionOptions
{
    /// <summary>
    /// requestedProtocols of RDP_NEG_REQ: <see cref="NegotiationProtocols.Ssl"/> (TLS), <see cref="NegotiationProtocols.Rdp"/>
    /// (Standard RDP Security), or SSL | HYBRID | HYBRID_EX for Network Level Authentication (as mstsc asks).
    /// </summary>
    public NegotiationProtocols RequestedProtocols { get; init; } = NegotiationProtocols.Ssl;

    /// <summary>UserName of the Client Info PDU and the X.224 cookie (mstshash).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>Domain of the Client Info PDU.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>clientName of the Client Core Data (15 characters at most are sent).</summary>
    public string ClientName { get; init; } = "thinclient";

    /// <summary>The Standard RDP Security methods offered.</summary>
    public EncryptionMethods EncryptionMethods { get; init; } = ClientSecurityData.AllMethods;

    /// <summary>Static virtual channels to request (each is joined, unless the server lets the client skip the joins).</summary>
    public IReadOnlyList<ChannelDefinition> Channels { get; init; } = [];

    /// <summary>Options for the licensing client; <see cref="LicensingClientOptions.GccServerCertificate"/> is filled in from the server's security data.</summary>
    public LicensingClientOptions Licensing { get; init; } = new();

    /// <summary>The credentials CredSSP uses when the server selects PROTOCOL_HYBRID(_EX); the caller disposes them.</summary>
    public NlaCredentials? Credentials { get; init; }

    /// <summary>How CredSSP runs (raw NTLM or SPNEGO, the SPN, the workstation name).</summary>
    public CredSspClientOptions Nla { get; init; } = new();

    /// <summary>
    /// Announce RNS_UD_CS_SUPPORT_SKIP_CHANNELJOIN and skip the channel joins when the server answers
    /// RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED ([MS-RDPBCGR 2.2.1.3.2, 2.2.1.4.2]): a round trip less per channel.
    /// </summary>
    public bool SkipChannelJoin { get; init; } = true;

    /// <summary>
    /// After the licensing outcome, read on until the server's verdict (Demand Active, Set Error Info, Disconnect
    /// Provider Ultimatum); otherwise disconnect at once, as the probe did before.
    /// </summary>
    public bool AwaitServerVerdict { get; init; } = true;
}
