namespace TsThinLic.Rdp.Nla;

/// <summary>How <see cref="CredSspClient"/> authenticates.</summary>
public sealed class CredSspClientOptions
{
    /// <summary>Raw NTLM or NTLM in SPNEGO.</summary>
    public NlaTokenFormat TokenFormat { get; init; } = NlaTokenFormat.RawNtlm;

    /// <summary>The TSRequest version the client announces (2-6).</summary>
    public int Version { get; init; } = CredSspClient.HighestVersion;

    /// <summary>The SPN named in the NTLM response (MsvAvTargetName): TERMSRV/host, as mstsc names it.</summary>
    public string? TargetName { get; init; }

    /// <summary>The client's name (NTLM Workstation).</summary>
    public string Workstation { get; init; } = string.Empty;
}
