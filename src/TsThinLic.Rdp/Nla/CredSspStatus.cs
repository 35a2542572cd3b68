namespace TsThinLic.Rdp.Nla;

/// <summary>What <see cref="CredSspClient"/> needs next.</summary>
public enum CredSspStatus
{
    /// <summary>Send what was written, then hand over the server's next TSRequest.</summary>
    AwaitingMessage,

    /// <summary>The credentials went out sealed: CredSSP is over (then HYBRID_EX's Early User Authorization Result, or MCS).</summary>
    Completed,

    /// <summary>Authentication failed; see the failure.</summary>
    Failed,
}
