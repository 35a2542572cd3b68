namespace TsThinLic.Replay;

/// <summary>
/// What one input file gave: its exchanges, notices about what it held but could not replay (TLS connections, RDP
/// that never reached licensing), and the error that stopped reading, if any.
/// </summary>
public sealed class ReplayInput
{
    public ReplayInput(string path, string format, IReadOnlyList<ReplayExchange> exchanges, IReadOnlyList<string> notices, string? error)
    {
        Path = path;
        Format = format;
        Exchanges = exchanges;
        Notices = notices;
        Error = error;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>pcap, pcapng, transcript, or unknown.</summary>
    public string Format { get; }

    /// <summary>The exchanges found.</summary>
    public IReadOnlyList<ReplayExchange> Exchanges { get; }

    /// <summary>What the file held that is not a replayable exchange, said plainly.</summary>
    public IReadOnlyList<string> Notices { get; }

    /// <summary>Why the file could not be read (wholly or from some offset on), or null.</summary>
    public string? Error { get; }
}
