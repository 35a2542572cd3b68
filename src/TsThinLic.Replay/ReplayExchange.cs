namespace TsThinLic.Replay;

/// <summary>
/// One licensing exchange to replay, from a capture (one TCP connection) or a transcript: its PDUs in order, what
/// the client knew, how it should end, and what was noticed while reading it.
/// </summary>
public sealed class ReplayExchange
{
    public ReplayExchange(string source, string name, IReadOnlyList<ReplayPdu> pdus, ReplaySecrets secrets, ReplayExpectedOutcome? expectedOutcome = null, IReadOnlyList<string>? notes = null, bool fromCapture = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pdus);
        ArgumentNullException.ThrowIfNull(secrets);
        Source = source;
        Name = name;
        Pdus = pdus;
        Secrets = secrets;
        ExpectedOutcome = expectedOutcome;
        Notes = notes ?? [];
        FromCapture = fromCapture;
    }

    /// <summary>What decryption revealed (the HWID, the challenge, the CAL decoded), said for people; empty when nothing was decrypted.</summary>
    public IReadOnlyList<string> Revealed { get; init; } = [];

    /// <summary>The file it came from.</summary>
    public string Source { get; }

    /// <summary>Its name within the file (a connection's endpoints, or a transcript's exchange name).</summary>
    public string Name { get; }

    /// <summary>The PDUs in the order they were sent.</summary>
    public IReadOnlyList<ReplayPdu> Pdus { get; }

    /// <summary>What the client knew.</summary>
    public ReplaySecrets Secrets { get; }

    /// <summary>How the exchange should end for the client, when known.</summary>
    public ReplayExpectedOutcome? ExpectedOutcome { get; }

    /// <summary>Remarks from reading the source (gaps, encryption, TLS).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Whether the captured client was another implementation (a real capture): then the differences listed in
    /// <see cref="ReplayComparer"/> as tolerated are reported, not failed.
    /// </summary>
    public bool FromCapture { get; }
}
