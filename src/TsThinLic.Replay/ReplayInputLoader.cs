using System.Text;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// Reads replay inputs: pcap, pcapng and transcript files, told apart by their first bytes; folders are walked for
/// files ending in .pcap, .pcapng, .cap or .transcript (sorted, so a run's order is stable).
/// </summary>
public static class ReplayInputLoader
{
    /// <summary>The largest input file read.</summary>
    public const long MaxFileLength = 256L * 1024 * 1024;

    private static readonly string[] s_extensions = [".pcap", ".pcapng", ".cap", ".transcript"];

    /// <summary>Expands files and folders into the files to read, in order; unknown paths are returned as they are (their load reports them).</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => s_extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
                files.AddRange(found);
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }

    /// <summary>Reads one file. Never throws for file contents; I/O problems become <see cref="ReplayInput.Error"/>.</summary>
    public static ReplayInput Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new ReplayInput(path, "unknown", [], [], $"no file '{path}'");
            }

            if (info.Length > MaxFileLength)
            {
                return new ReplayInput(path, "unknown", [], [], $"'{path}' is {info.Length} bytes, at most {MaxFileLength} are read");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new ReplayInput(path, "unknown", [], [], $"cannot read '{path}': {exception.Message}");
        }

        ReplayInput input = Load(path, bytes);
        return WithProbeSecrets(path, input);
    }

    // A capture of our own client comes with the secrets the probe recorded (NAME.secrets.json): with them the
    // client's PDUs are checked byte for byte instead of field by field.
    private static ReplayInput WithProbeSecrets(string path, ReplayInput input)
    {
        if (input.Exchanges.Count == 0 || input.Format is not ("pcap" or "pcapng"))
        {
            return input;
        }

        if (!ProbeSecretsFile.TryReadSibling(path, out ReplaySecrets? recorded, out string? problem))
        {
            return problem is null ? input : new ReplayInput(path, input.Format, input.Exchanges, [.. input.Notices, $"secrets ignored: {problem}"], input.Error);
        }

        var exchanges = new List<ReplayExchange>(input.Exchanges.Count);
        foreach (ReplayExchange exchange in input.Exchanges)
        {
            var secrets = new ReplaySecrets
            {
                HardwareId = recorded.HardwareId,
                PlatformId = recorded.PlatformId ?? exchange.Secrets.PlatformId,
                UserName = recorded.UserName ?? exchange.Secrets.UserName,
                MachineName = recorded.MachineName ?? exchange.Secrets.MachineName,
                ClientRandoms = recorded.ClientRandoms,
                PreMasterSecrets = recorded.PreMasterSecrets,
                StoredLicenses = exchange.Secrets.StoredLicenses,
                GccServerCertificate = exchange.Secrets.GccServerCertificate,
            };
            exchanges.Add(new ReplayExchange(exchange.Source, exchange.Name, exchange.Pdus, secrets, exchange.ExpectedOutcome, [.. exchange.Notes, $"secrets from {Path.GetFileName(ProbeSecretsFile.SiblingOf(path))}"], exchange.FromCapture));
        }

        return new ReplayInput(path, input.Format, exchanges, input.Notices, input.Error);
    }

    /// <summary>Reads one file's bytes.</summary>
    public static ReplayInput Load(string path, ReadOnlyMemory<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (CaptureFileReader.IsCaptureFile(bytes.Span))
        {
            return FromCapture(path, bytes);
        }

        if (TranscriptFormat.LooksLikeTranscript(bytes.Span))
        {
            if (bytes.Length > TranscriptFormat.MaxTextLength)
            {
                return new ReplayInput(path, "transcript", [], [], $"the transcript is {bytes.Length} bytes, at most {TranscriptFormat.MaxTextLength}");
            }

            string text = Encoding.UTF8.GetString(bytes.Span);
            return TranscriptFormat.TryParse(path, text, out IReadOnlyList<ReplayExchange> exchanges, out string? error)
                ? new ReplayInput(path, "transcript", exchanges, [], null)
                : new ReplayInput(path, "transcript", [], [], error);
        }

        // A file named like an input that is not one is an error; any other file (a README or a script picked up by
        // a shell glob such as fixtures/captures/*) is skipped with a notice.
        return s_extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase)
            ? new ReplayInput(path, "unknown", [], [], "neither a pcap, a pcapng nor a transcript file (no magic number, no 'tsthinlic-transcript 1' line)")
            : new ReplayInput(path, "other", [], ["skipped: not a pcap, pcapng or transcript file"], null);
    }

    private static ReplayInput FromCapture(string path, ReadOnlyMemory<byte> bytes)
    {
        string format = bytes.Length >= 4 && bytes.Span[0] == 0x0a && bytes.Span[1] == 0x0d ? "pcapng" : "pcap";
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(bytes);
        var exchanges = new List<ReplayExchange>();
        var notices = new List<string>();
        foreach (CapturedConnection connection in analysis.Connections)
        {
            ReplayExchange? exchange = CaptureExchangeBuilder.FromConnection(path, connection);
            if (exchange is not null)
            {
                exchanges.Add(exchange);
                continue;
            }

            string what = connection.Kind switch
            {
                CapturedStreamKind.Tls => "TLS",
                CapturedStreamKind.NotRdp => "not RDP",
                _ => "RDP, no licensing",
            };
            notices.Add($"{connection.Name}: {what}: {string.Join("; ", connection.Notes)}");
        }

        if (analysis.Connections.Count == 0)
        {
            notices.Add($"{analysis.FrameCount} packet(s), no TCP connection carrying data");
        }

        string? error = analysis.Error is { } captureError ? $"the capture is malformed: {captureError}; what precedes it was read" : null;
        return new ReplayInput(path, format, exchanges, notices, error);
    }
}
