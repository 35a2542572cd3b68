namespace TsThinLic.Rdp.Ntlm;

/// <summary>What an <see cref="NtlmClient"/> says about itself and its user.</summary>
public sealed class NtlmClientOptions
{
    /// <summary>
    /// What the client asks for by default, as Windows clients do for CredSSP: UNICODE, OEM, REQUEST_TARGET, SIGN, SEAL,
    /// NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56.
    /// </summary>
    public const NtlmNegotiateFlags DefaultFlags = NtlmNegotiateFlags.Unicode | NtlmNegotiateFlags.Oem | NtlmNegotiateFlags.RequestTarget
        | NtlmNegotiateFlags.Sign | NtlmNegotiateFlags.Seal | NtlmNegotiateFlags.Ntlm | NtlmNegotiateFlags.AlwaysSign
        | NtlmNegotiateFlags.ExtendedSessionSecurity | NtlmNegotiateFlags.Version | NtlmNegotiateFlags.Negotiate128
        | NtlmNegotiateFlags.KeyExchange | NtlmNegotiateFlags.Negotiate56;

    /// <summary>UserName (the account, without the domain).</summary>
    public required string UserName { get; init; }

    /// <summary>UserDom: the account's domain (empty for a local account).</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>Workstation: the client's name.</summary>
    public string Workstation { get; init; } = string.Empty;

    /// <summary>NegotiateFlags of the NEGOTIATE_MESSAGE (and, less what the server refused, of the AUTHENTICATE_MESSAGE).</summary>
    public NtlmNegotiateFlags Flags { get; init; } = DefaultFlags;

    /// <summary>The client's VERSION.</summary>
    public NtlmVersion Version { get; init; } = NtlmVersion.Default;

    /// <summary>MsvAvTargetName added to the echoed TargetInfo: the SPN the client means (TERMSRV/host), or null for none.</summary>
    public string? TargetName { get; init; }

    /// <summary>
    /// Whether MsvAvChannelBindings (16 zero bytes: no channel binding) is added to the echoed TargetInfo, as Windows
    /// clients do under CredSSP, whose pubKeyAuth binds the TLS channel instead.
    /// </summary>
    public bool EmptyChannelBindings { get; init; }

    /// <summary>Whether the client requires 128-bit keys, extended session security, signing and sealing of the server.</summary>
    public bool RequireSessionSecurity { get; init; } = true;
}
