namespace TsThinLic.Replay.Decryption;

/// <summary>
/// The secrets of an NSS key log (the <c>SSLKEYLOGFILE</c> format NSS, OpenSSL, BoringSSL, Go and rustls write, and
/// Wireshark reads): one <c>LABEL &lt;client_random&gt; &lt;secret&gt;</c> line per secret, hex, keyed by the connection's
/// ClientHello.random. TLS 1.2 needs <c>CLIENT_RANDOM</c> (the 48-byte master secret); TLS 1.3 needs
/// <c>CLIENT_HANDSHAKE_TRAFFIC_SECRET</c>, <c>SERVER_HANDSHAKE_TRAFFIC_SECRET</c>, <c>CLIENT_TRAFFIC_SECRET_0</c> and
/// <c>SERVER_TRAFFIC_SECRET_0</c> (later generations follow from KeyUpdate). Read from a file (<c>--keylog</c>,
/// <c>SSLKEYLOGFILE</c>) or a pcapng Decryption Secrets Block. Hostile input is normal input: every line is checked
/// (label, hex, lengths) and every problem is kept with its line number, never thrown; a damaged line costs only itself.
/// </summary>
public sealed class TlsKeyLog
{
    /// <summary>The longest line read (the longest real line, a 48-byte TLS 1.3 secret, is under 200 characters).</summary>
    public const int MaxLineLength = 1024;

    /// <summary>The most secrets kept from one source.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The largest key log read.</summary>
    public const int MaxTextLength = 64 * 1024 * 1024;

    /// <summary>The most problems kept (the rest are counted).</summary>
    public const int MaxProblems = 50;

    /// <summary>TLS 1.2: the master secret.</summary>
    public const string ClientRandom = "CLIENT_RANDOM";

    /// <summary>TLS 1.3: client_handshake_traffic_secret.</summary>
    public const string ClientHandshakeTrafficSecret = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";

    /// <summary>TLS 1.3: server_handshake_traffic_secret.</summary>
    public const string ServerHandshakeTrafficSecret = "SERVER_HANDSHAKE_TRAFFIC_SECRET";

    /// <summary>TLS 1.3: client_application_traffic_secret_0.</summary>
    public const string ClientTrafficSecret0 = "CLIENT_TRAFFIC_SECRET_0";

    /// <summary>TLS 1.3: server_application_traffic_secret_0.</summary>
    public const string ServerTrafficSecret0 = "SERVER_TRAFFIC_SECRET_0";

    private const int RandomLength = 32;

    // Labels other tools write that decryption here does not need: the exporter and early secrets, OpenSSL 3.0's
    // CLIENT/SERVER_TRAFFIC_SECRET_N after a KeyUpdate (derived here from generation 0, [RFC 8446 7.2]) and the RSA
    // pre-master lines (CLIENT_RANDOM carries the master secret of the same connections). Checked, then set aside.
    private static readonly Dictionary<string, int[]> s_labels = new(StringComparer.Ordinal)
    {
        [ClientRandom] = [48],
        [ClientHandshakeTrafficSecret] = [32, 48],
        [ServerHandshakeTrafficSecret] = [32, 48],
        [ClientTrafficSecret0] = [32, 48],
        [ServerTrafficSecret0] = [32, 48],
        ["CLIENT_EARLY_TRAFFIC_SECRET"] = [32, 48],
        ["EARLY_EXPORTER_SECRET"] = [32, 48],
        ["EXPORTER_SECRET"] = [32, 48],
        ["CLIENT_TRAFFIC_SECRET_N"] = [32, 48],
        ["SERVER_TRAFFIC_SECRET_N"] = [32, 48],
        ["RSA"] = [48],
    };

    private readonly Dictionary<string, byte[]> _secrets;
    private readonly List<string> _problems;

    private TlsKeyLog(Dictionary<string, byte[]> secrets, List<string> problems, int lines)
    {
        _secrets = secrets;
        _problems = problems;
        Lines = lines;
    }

    /// <summary>No secrets.</summary>
    public static TlsKeyLog Empty { get; } = new([], [], 0);

    /// <summary>Secrets kept.</summary>
    public int Count => _secrets.Count;

    /// <summary>Lines read (comments and blank lines included).</summary>
    public int Lines { get; }

    /// <summary>What was wrong with the lines, each naming the source and line; at most <see cref="MaxProblems"/> plus a count.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Reads a key log. Never throws on its bytes.</summary>
    /// <param name="text">The key log's bytes (ASCII).</param>
    /// <param name="source">How problems name it: a file name, or "the Decryption Secrets Block at offset N".</param>
    public static TlsKeyLog Parse(ReadOnlySpan<byte> text, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        int dropped = 0;
        void Problem(string problem)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add($"{source}: {problem}");
            }
            else
            {
                dropped++;
            }
        }

        if (text.Length > MaxTextLength)
        {
            Problem($"{text.Length} bytes, more than the {MaxTextLength} read; the rest is ignored");
            text = text[..MaxTextLength];
        }

        int number = 0;
        while (!text.IsEmpty)
        {
            number++;
            int newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.Length > MaxLineLength)
            {
                Problem($"line {number}: {line.Length} characters, longer than any key log line ({MaxLineLength}); ignored");
                continue;
            }

            line = line.Trim(" \t"u8);
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            if (secrets.Count >= MaxEntries)
            {
                Problem($"line {number}: more than {MaxEntries} secrets; the rest is ignored");
                break;
            }

            if (ParseLine(line, out string? label, out byte[]? random, out byte[]? secret) is { } lineProblem)
            {
                Problem($"line {number}: {lineProblem}");
                continue;
            }

            string key = Key(label!, random!);
            if (secrets.TryGetValue(key, out byte[]? existing))
            {
                if (!existing.AsSpan().SequenceEqual(secret))
                {
                    Problem($"line {number}: a second, different {label} for client random {Convert.ToHexStringLower(random!)[..16]}…; the first is kept");
                }

                continue;
            }

            secrets[key] = secret!;
        }

        if (dropped > 0)
        {
            problems.Add($"{source}: {dropped} more problem(s)");
        }

        return new TlsKeyLog(secrets, problems, number);
    }

    /// <summary>Every secret of several key logs (the first of conflicting ones is kept) and all their problems.</summary>
    public static TlsKeyLog Combine(IEnumerable<TlsKeyLog> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        int lines = 0;
        foreach (TlsKeyLog log in logs)
        {
            foreach ((string key, byte[] secret) in log._secrets)
            {
                secrets.TryAdd(key, secret);
            }

            problems.AddRange(log._problems);
            lines += log.Lines;
        }

        return new TlsKeyLog(secrets, problems, lines);
    }

    /// <summary>The secret with <paramref name="label"/> for the connection whose ClientHello.random is <paramref name="clientRandom"/>.</summary>
    internal bool TryGetSecret(string label, ReadOnlySpan<byte> clientRandom, out byte[] secret)
    {
        if (_secrets.TryGetValue(Key(label, clientRandom), out byte[]? found))
        {
            secret = found;
            return true;
        }

        secret = [];
        return false;
    }

    /// <summary>Whether any secret of any label is known for this client random.</summary>
    internal bool Knows(ReadOnlySpan<byte> clientRandom)
    {
        foreach (string label in s_labels.Keys)
        {
            if (label != "RSA" && _secrets.ContainsKey(Key(label, clientRandom)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Key(string label, ReadOnlySpan<byte> random) => label + " " + Convert.ToHexStringLower(random);

    // LABEL, one or more blanks, hex, one or more blanks, hex: the NSS format as Wireshark reads it (either case of hex).
    private static string? ParseLine(ReadOnlySpan<byte> line, out string? label, out byte[]? random, out byte[]? secret)
    {
        label = null;
        random = null;
        secret = null;
        Span<Range> fields = stackalloc Range[4];
        int count = Split(line, fields);
        if (count != 3)
        {
            return $"{count} field(s); a key log line is LABEL CLIENT_RANDOM SECRET";
        }

        string name = System.Text.Encoding.ASCII.GetString(line[fields[0]]);
        if (!s_labels.TryGetValue(name, out int[]? lengths))
        {
            return $"unknown label '{Printable(name)}'";
        }

        // The RSA lines carry the first 8 bytes of the encrypted premaster secret where the others carry the random.
        int randomLength = name == "RSA" ? 8 : RandomLength;
        if (!TryHex(line[fields[1]], out byte[] randomBytes) || randomBytes.Length != randomLength)
        {
            return $"{name}: the second field is not {randomLength} bytes of hex";
        }

        if (!TryHex(line[fields[2]], out byte[] secretBytes) || Array.IndexOf(lengths, secretBytes.Length) < 0)
        {
            return $"{name}: the secret is not {string.Join(" or ", lengths)} bytes of hex";
        }

        label = name;
        random = randomBytes;
        secret = secretBytes;
        return null;
    }

    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }

            if (count < fields.Length)
            {
                fields[count] = start..i;
            }

            count++;
        }

        return count;
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length % 2 != 0 || hex.Length > MaxLineLength)
        {
            return false;
        }

        byte[] result = new byte[hex.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            int high = HexValue(hex[2 * i]);
            int low = HexValue(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            result[i] = (byte)((high << 4) | low);
        }

        bytes = result;
        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    // A label from a hostile file goes into a notice: only printable ASCII, and not too much of it.
    private static string Printable(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (char c in text.Length > 40 ? text[..40] : text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.Length > 40 ? builder + "…" : builder.ToString();
    }
}
