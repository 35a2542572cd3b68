namespace TsThinLic.Replay.Capture;

/// <summary>What <see cref="CaptureAnalyzer"/> found in one capture file.</summary>
public sealed class CaptureAnalysis
{
    public CaptureAnalysis(int frameCount, IReadOnlyList<CapturedConnection> connections, CaptureError? error, int secretsBlocks = 0, IReadOnlyList<string>? secretsNotes = null)
    {
        FrameCount = frameCount;
        Connections = connections;
        Error = error;
        SecretsBlocks = secretsBlocks;
        SecretsNotes = secretsNotes ?? [];
    }

    /// <summary>pcapng Decryption Secrets Blocks in the file (their TLS key logs were used).</summary>
    public int SecretsBlocks { get; }

    /// <summary>What was wrong with those blocks or the key log lines inside them.</summary>
    public IReadOnlyList<string> SecretsNotes { get; }

    /// <summary>Packet records read.</summary>
    public int FrameCount { get; }

    /// <summary>The TCP connections that carried data, in the order their first packet appears.</summary>
    public IReadOnlyList<CapturedConnection> Connections { get; }

    /// <summary>
    /// Why reading stopped early, if it did (a truncated or malformed file). The connections then hold what the
    /// records before that offset carried.
    /// </summary>
    public CaptureError? Error { get; }
}
