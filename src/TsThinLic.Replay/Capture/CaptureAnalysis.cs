namespace TsThinLic.Replay.Capture;

/// <summary>What <see cref="CaptureAnalyzer"/> found in one capture file.</summary>
public sealed class CaptureAnalysis
{
    public CaptureAnalysis(int frameCount, IReadOnlyList<CapturedConnection> connections, CaptureError? error)
    {
        FrameCount = frameCount;
        Connections = connections;
        Error = error;
    }

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
