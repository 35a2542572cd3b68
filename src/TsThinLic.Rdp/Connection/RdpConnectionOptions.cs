using TsThinLic.Licensing;

namespace TsThinLic.Rdp.Connection;

/// <summary>What the client announces in the connection sequence.</summary>
public sealed class RdpConnectionOptions
{
    /// <summary>requestedProtocols of RDP_NEG_REQ: <see cref="NegotiationProtocols.Ssl"/> (TLS) or <see cref="NegotiationProtocols.Rdp"/> (Standard RDP Security).</summary>
    public NegotiationProtocols RequestedProtocols { get; init; } = NegotiationProtocols.Ssl;

    /// <summary>UserName of the Client Info PDU and the X.224 cookie (mstshash).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>Domain of the Client Info PDU.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>clientName of the Client Core Data (15 characters at most are sent).</summary>
    public string ClientName { get; init; } = "thinclient";

    /// <summary>The Standard RDP Security methods offered.</summary>
    public EncryptionMethods EncryptionMethods { get; init; } = ClientSecurityData.AllMethods;

    /// <summary>Static virtual channels to request (each is joined).</summary>
    public IReadOnlyList<ChannelDefinition> Channels { get; init; } = [];

    /// <summary>Options for the licensing client; <see cref="LicensingClientOptions.GccServerCertificate"/> is filled in from the server's security data.</summary>
    public LicensingClientOptions Licensing { get; init; } = new();
}
