using TsThinLic.Rdp.Nla;

namespace TsThinLic.Rdp.Connection;

/// <summary>What the probe saw of Network Level Authentication (never a secret).</summary>
/// <param name="TokenFormat">Raw NTLM or SPNEGO, as used in the last attempt.</param>
/// <param name="ServerVersion">The version of the server's TSRequests.</param>
/// <param name="NegotiatedVersion">The version both followed (the lower one).</param>
/// <param name="ServerNetBiosDomain">MsvAvNbDomainName of the server's CHALLENGE_MESSAGE.</param>
/// <param name="ServerNetBiosComputer">MsvAvNbComputerName.</param>
/// <param name="ServerDnsComputer">MsvAvDnsComputerName.</param>
/// <param name="MicSent">Whether the AUTHENTICATE_MESSAGE carried a MIC.</param>
/// <param name="ServerVerified">Whether the server's pubKeyAuth proved it holds the TLS certificate's key.</param>
/// <param name="CredentialsSent">Whether the sealed credentials (authInfo) left the client.</param>
/// <param name="EarlyUserAuthorizationResult">HYBRID_EX's authorizationResult, when received.</param>
/// <param name="Messages">Each TSRequest: who sent it, which fields it carried, its length.</param>
public sealed record NlaReport(
    NlaTokenFormat TokenFormat,
    int? ServerVersion,
    int? NegotiatedVersion,
    string? ServerNetBiosDomain,
    string? ServerNetBiosComputer,
    string? ServerDnsComputer,
    bool MicSent,
    bool ServerVerified,
    bool CredentialsSent,
    uint? EarlyUserAuthorizationResult,
    IReadOnlyList<(bool FromClient, string Fields, int Length)> Messages);
