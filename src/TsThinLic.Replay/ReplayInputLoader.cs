using System.Text;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using TsThinLic.Storage.Files;

namespace TsThinLic.Replay;

/// <summary>
/// Reads replay inputs: pcap, pcapng and transcript files, told apart by their first bytes; folders are walked for
/// files ending in .pcap, .pcapng, .cap or .transcript (sorted, so a run's order is stable). With
/// <see cref="DecryptionKeys"/> captures are decrypted first (TLS with the key log and the file's own Decryption
/// Secrets Blocks, Standard RDP Security with the server's key) and every exchange's licensing fields are opened
/// with the licensing keys.
/// </summary>
public static class ReplayInputLoader
{
    /// <summary>The largest input file read (counted as it is read: a device or a FIFO reports no size).</summary>
    public const int MaxFileLength = 256 * 1024 * 1024;

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
    public static ReplayInput Load(string path) => Load(path, DecryptionKeys.None);

    /// <summary>Reads one file, decrypting with <paramref name="keys"/>. Never throws for file contents.</summary>
    public static ReplayInput Load(string path, DecryptionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        byte[] bytes;
        try
        {
            // Only a regular file, and never more than the limit: a FIFO, /dev/zero or a link to it ends here at once.
            bytes = RegularFile.ReadAll(path, MaxFileLength);
        }
        catch (FileFaultException fault)
        {
            return new ReplayInput(path, "unknown", [], [], fault.IsNotFound ? $"no file '{path}'" : fault.Message);
        }

        ReplayInput input = Load(path, bytes, keys);
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
            exchanges.Add(new ReplayExchange(exchange.Source, exchange.Name, exchange.Pdus, secrets, exchange.ExpectedOutcome, [.. exchange.Notes, $"secrets from {Path.GetFileName(ProbeSecretsFile.SiblingOf(path))}"], exchange.FromCapture)
            {
                Revealed = exchange.Revealed,
            });
        }

        return new ReplayInput(path, input.Format, exchanges, input.Notices, input.Error);
    }

    /// <summary>Reads one file's bytes.</summary>
    public static ReplayInput Load(string path, ReadOnlyMemory<byte> bytes) => Load(path, bytes, DecryptionKeys.None);

    /// <summary>Reads one file's bytes, decrypting with <paramref name="keys"/>.</summary>
    public static ReplayInput Load(string path, ReadOnlyMemory<byte> bytes, DecryptionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        if (CaptureFileReader.IsCaptureFile(bytes.Span))
        {
            return FromCapture(path, bytes, keys);
        }

        if (TranscriptFormat.LooksLikeTranscript(bytes.Span))
        {
            if (bytes.Length > TranscriptFormat.MaxTextLength)
            {
                return new ReplayInput(path, "transcript", [], [], $"the transcript is {bytes.Length} bytes, at most {TranscriptFormat.MaxTextLength}");
            }

            string text = Encoding.UTF8.GetString(bytes.Span);
            return TranscriptFormat.TryParse(path, text, out IReadOnlyList<ReplayExchange> exchanges, out string? error)
                ? new ReplayInput(path, "transcript", [.. exchanges.Select(e => ExchangeDecryption.Apply(e, keys))], [], null)
                : new ReplayInput(path, "transcript", [], [], error);
        }

        // A file named like an input that is not one is an error; any other file (a README or a script picked up by
        // a shell glob such as fixtures/captures/*) is skipped with a notice.
        return s_extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase)
            ? new ReplayInput(path, "unknown", [], [], "neither a pcap, a pcapng nor a transcript file (no magic number, no 'tsthinlic-transcript 1' line)")
            : new ReplayInput(path, "other", [], ["skipped: not a pcap, pcapng or transcript file"], null);
    }

    private static ReplayInput FromCapture(string path, ReadOnlyMemory<byte> bytes, DecryptionKeys keys)
    {
        string format = bytes.Length >= 4 && bytes.Span[0] == 0x0a && bytes.Span[1] == 0x0d ? "pcapng" : "pcap";
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(bytes, keys);
        var exchanges = new List<ReplayExchange>();
        var notices = new List<string>(analysis.SecretsNotes);
        foreach (CapturedConnection connection in analysis.Connections)
        {
            ReplayExchange? exchange = CaptureExchangeBuilder.FromConnection(path, connection);
            if (exchange is not null)
            {
                exchanges.Add(ExchangeDecryption.Apply(exchange, keys));
                continue;
            }

            string what = connection.Kind switch
            {
                CapturedStreamKind.Tls => connection.IsDecrypted ? "TLS (decrypted)" : "TLS",
                CapturedStreamKind.NotRdp => "not RDP",
                _ => "RDP, no licensing",
            };
            IEnumerable<string> notes = connection.Decryption is { } decryption ? [decryption, .. connection.Notes] : connection.Notes;
            notices.Add($"{connection.Name}: {what}: {string.Join("; ", notes)}");
        }

        if (analysis.Connections.Count == 0)
        {
            notices.Add($"{analysis.FrameCount} packet(s), no TCP connection carrying data");
        }

        string? error = analysis.Error is { } captureError ? $"the capture is malformed: {captureError}; what precedes it was read" : null;
        return new ReplayInput(path, format, exchanges, notices, error);
    }
}
