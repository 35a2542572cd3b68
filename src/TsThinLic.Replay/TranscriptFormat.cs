using System.Globalization;
using System.Text;
using TsThinLic.Diagnostics;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// The licensing transcript: a small line-based text format for hand-written and converted exchanges
/// (fixtures/README.md describes it). One <c>keyword value</c> per line, <c>#</c> comments, hex continued on
/// indented lines. Parsing never throws on text: a problem gives its line number.
/// </summary>
public static class TranscriptFormat
{
    /// <summary>The first line of every transcript.</summary>
    public const string Magic = "tsthinlic-transcript 1";

    /// <summary>The largest transcript file read.</summary>
    public const int MaxTextLength = 8 * 1024 * 1024;

    /// <summary>The most PDUs in one exchange.</summary>
    public const int MaxPdusPerExchange = 256;

    /// <summary>The most exchanges in one transcript.</summary>
    public const int MaxExchanges = 1024;

    /// <summary>Whether the text starts like a transcript (comments and blank lines may come first).</summary>
    public static bool LooksLikeTranscript(ReadOnlySpan<byte> file)
    {
        string head = Encoding.UTF8.GetString(file[..Math.Min(file.Length, 4096)]);
        foreach (string raw in head.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            return line == Magic;
        }

        return false;
    }

    /// <summary>Parses a transcript. False with the line and the problem in <paramref name="error"/>.</summary>
    public static bool TryParse(string source, string text, out IReadOnlyList<ReplayExchange> exchanges, out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<ReplayExchange>();
        exchanges = list;
        if (text.Length > MaxTextLength)
        {
            error = $"the transcript is {text.Length} characters, at most {MaxTextLength}";
            return false;
        }

        string[] lines = text.Split('\n');
        Builder? current = null;
        bool sawMagic = false;
        // A record whose hex continues on the indented lines below it.
        (string Keyword, StringBuilder Hex, int Line, string Arguments)? open = null;

        bool Close(out string? problem)
        {
            problem = null;
            if (open is not { } record)
            {
                return true;
            }

            open = null;
            if (!HexText.TryParse(record.Hex.ToString(), out byte[]? bytes))
            {
                problem = $"line {record.Line}: '{record.Keyword}' is not followed by hex digits";
                return false;
            }

            return current!.Add(record.Keyword, record.Arguments, bytes, record.Line, out problem);
        }

        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string raw = lines[i].TrimEnd('\r');
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (char.IsWhiteSpace(raw[0]) && open is not null)
            {
                open.Value.Hex.Append(line);
                continue;
            }

            if (!Close(out error))
            {
                return false;
            }

            if (!sawMagic)
            {
                if (line != Magic)
                {
                    error = $"line {number}: a transcript starts with '{Magic}'";
                    return false;
                }

                sawMagic = true;
                continue;
            }

            int space = line.IndexOf(' ');
            string keyword = space < 0 ? line : line[..space];
            string value = space < 0 ? string.Empty : line[(space + 1)..].Trim();
            if (keyword == "exchange")
            {
                if (current is not null)
                {
                    if (!current.TryBuild(source, out ReplayExchange? built, out error))
                    {
                        return false;
                    }

                    list.Add(built);
                }

                if (list.Count >= MaxExchanges)
                {
                    error = $"line {number}: more than {MaxExchanges} exchanges";
                    return false;
                }

                current = new Builder(value.Length == 0 ? $"exchange {list.Count + 1}" : value, number);
                continue;
            }

            current ??= new Builder("exchange 1", number);
            switch (keyword)
            {
                case "server":
                case "client":
                case "client-encrypted":
                case "server-encrypted":
                case "client-random":
                case "premaster-secret":
                case "hwid":
                case "gcc-server-certificate":
                    open = (keyword, new StringBuilder(value), number, string.Empty);
                    break;
                case "stored-cal":
                    // stored-cal VERSION SCOPE PRODUCT COMPANY..., the CAL's hex on the indented lines below.
                    open = (keyword, new StringBuilder(), number, value);
                    break;
                default:
                    if (!current.Set(keyword, value, number, out error))
                    {
                        return false;
                    }

                    break;
            }
        }

        if (!sawMagic)
        {
            error = $"line 1: a transcript starts with '{Magic}'";
            return false;
        }

        if (!Close(out error))
        {
            return false;
        }

        if (current is not null)
        {
            if (!current.TryBuild(source, out ReplayExchange? built, out error))
            {
                return false;
            }

            list.Add(built);
        }

        error = null;
        return true;
    }

    /// <summary>Writes exchanges as a transcript, secrets and all.</summary>
    public static string Write(IEnumerable<ReplayExchange> exchanges, string? headerComment = null)
    {
        ArgumentNullException.ThrowIfNull(exchanges);
        var text = new StringBuilder();
        if (headerComment is not null)
        {
            foreach (string line in headerComment.Split('\n'))
            {
                text.Append("# ").AppendLine(OneLine(line.TrimEnd()));
            }
        }

        text.AppendLine(Magic);
        foreach (ReplayExchange exchange in exchanges)
        {
            text.AppendLine();
            text.Append("exchange ").AppendLine(exchange.Name);
            foreach (string note in exchange.Notes)
            {
                text.Append("# ").AppendLine(OneLine(note));
            }

            foreach (string revealed in exchange.Revealed)
            {
                text.Append("# revealed: ").AppendLine(OneLine(revealed));
            }

            if (exchange.FromCapture)
            {
                text.AppendLine("origin capture");
            }

            if (exchange.ExpectedOutcome is { } expected)
            {
                text.Append("expect ").AppendLine(OutcomeName(expected));
            }

            ReplaySecrets secrets = exchange.Secrets;
            if (secrets.UserName is not null)
            {
                AppendName(text, "user", secrets.UserName);
            }

            if (secrets.MachineName is not null)
            {
                AppendName(text, "machine", secrets.MachineName);
            }

            if (secrets.PlatformId is { } platformId)
            {
                text.Append("platform-id 0x").AppendLine(platformId.ToString("x8", CultureInfo.InvariantCulture));
            }

            if (secrets.HardwareId is { } hardwareId)
            {
                text.Append("hwid ").AppendLine(Convert.ToHexStringLower(hardwareId.ToArray()));
            }

            foreach (ReadOnlyMemory<byte> random in secrets.ClientRandoms)
            {
                text.Append("client-random ").AppendLine(Convert.ToHexStringLower(random.Span));
            }

            foreach (ReadOnlyMemory<byte> secret in secrets.PreMasterSecrets)
            {
                text.Append("premaster-secret ").AppendLine(Convert.ToHexStringLower(secret.Span));
            }

            if (!secrets.GccServerCertificate.IsEmpty)
            {
                text.AppendLine("gcc-server-certificate");
                AppendHex(text, secrets.GccServerCertificate.Span);
            }

            foreach (StoredLicense license in secrets.StoredLicenses)
            {
                text.Append(CultureInfo.InvariantCulture, $"stored-cal 0x{license.Key.Version:x8} {license.Key.Scope} {license.Key.ProductId} {license.Key.CompanyName}").AppendLine();
                AppendHex(text, license.LicenseInfo.Span);
            }

            foreach (ReplayPdu pdu in exchange.Pdus)
            {
                string keyword = (pdu.Direction == CaptureDirection.ServerToClient ? "server" : "client") + (pdu.IsEncrypted ? "-encrypted" : string.Empty);
                string description = pdu.IsEncrypted
                    ? "encrypted (SEC_ENCRYPT)"
                    : LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out DecodeError decodeError) ? decoded.ToString() : $"does not decode: {decodeError}";
                string frame = pdu.FrameIndex is { } index ? $", frame {index}" : string.Empty;
                string time = pdu.Timestamp is { } timestamp ? $", {timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}Z" : string.Empty;
                text.Append("# ").Append(OneLine(description)).Append(frame).AppendLine(time);
                if (pdu.Decryption is { } decryption)
                {
                    text.Append("# decrypted: ").AppendLine(OneLine(decryption));
                }

                if (pdu.DecryptionFailure is { } failure)
                {
                    text.Append("# DECRYPTION FAILED: ").AppendLine(OneLine(failure));
                }

                text.AppendLine(keyword);
                AppendHex(text, pdu.Bytes.Span);
            }
        }

        return text.ToString();
    }

    internal static string OutcomeName(ReplayExpectedOutcome outcome) => outcome switch
    {
        ReplayExpectedOutcome.ValidClient => "valid-client",
        ReplayExpectedOutcome.LicenseIssued => "license-issued",
        ReplayExpectedOutcome.LicenseUpgraded => "license-upgraded",
        _ => "failed",
    };

    // A comment is one line: text from a capture must not end it early and start a keyword line of its own.
    private static string OneLine(string text) => TerminalText.Escape(text);

    /// <summary>
    /// A name as <c>user NAME</c>, or as <c>user-hex UTF8HEX</c> when the line could not carry it exactly: a line
    /// break would end it and start a keyword line of its own (a captured name is outside text), other control
    /// characters would not survive an editor, and the parser trims the value.
    /// </summary>
    private static void AppendName(StringBuilder text, string keyword, string name)
    {
        bool plain = name.Trim() == name && !name.Any(c => c < 0x20 || c == 0x7F || char.IsWhiteSpace(c) && c != ' ');
        if (plain)
        {
            text.Append(keyword).Append(' ').AppendLine(name);
        }
        else
        {
            text.Append(keyword).Append("-hex ").AppendLine(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(name)));
        }
    }

    /// <summary>The name of a <c>user-hex</c> / <c>machine-hex</c> line: UTF-8 in hex, strictly.</summary>
    private static bool TryReadHexName(string keyword, string value, int number, out string name, out string? error)
    {
        name = string.Empty;
        error = null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(value);
        }
        catch (FormatException)
        {
            error = $"line {number}: {keyword} '{OneLine(value)}' is not hex";
            return false;
        }

        try
        {
            name = s_strictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = $"line {number}: {keyword} is not UTF-8";
            return false;
        }
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void AppendHex(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        const int PerLine = 32;
        for (int i = 0; i < bytes.Length; i += PerLine)
        {
            text.Append("    ").AppendLine(Convert.ToHexStringLower(bytes.Slice(i, Math.Min(PerLine, bytes.Length - i))));
        }
    }


    private sealed class Builder(string name, int line)
    {
        private readonly List<ReplayPdu> _pdus = [];
        private readonly List<ReadOnlyMemory<byte>> _clientRandoms = [];
        private readonly List<ReadOnlyMemory<byte>> _preMasterSecrets = [];
        private readonly List<StoredLicense> _licenses = [];
        private ClientHardwareId? _hardwareId;
        private uint? _platformId;
        private string? _userName;
        private string? _machineName;
        private ReplayExpectedOutcome? _expected;
        private bool _fromCapture;
        private byte[]? _gccCertificate;

        public bool Set(string keyword, string value, int number, out string? error)
        {
            error = null;
            switch (keyword)
            {
                case "user-hex" or "machine-hex":
                    if (!TryReadHexName(keyword, value, number, out string name, out error))
                    {
                        return false;
                    }

                    return Set(keyword[..^4], name, number, out error);
                case "user" or "machine" when value.Contains('\0', StringComparison.Ordinal):
                    // [MS-RDPELE 2.2.2.2]: ClientUserName and ClientMachineName are NUL-terminated on the wire.
                    error = $"line {number}: {keyword} holds a NUL character (U+0000) at position {value.IndexOf('\0', StringComparison.Ordinal)}: a licensing name ends at its NUL, so it cannot be sent";
                    return false;
                case "user":
                    _userName = value;
                    return true;
                case "machine":
                    _machineName = value;
                    return true;
                case "platform-id":
                    string digits = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
                    if (!uint.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint platformId))
                    {
                        error = $"line {number}: platform-id '{value}' is not a 32-bit hex number";
                        return false;
                    }

                    _platformId = platformId;
                    return true;
                case "origin":
                    if (value is not ("capture" or "emulator" or "hand"))
                    {
                        error = $"line {number}: origin '{value}' is none of capture, emulator, hand";
                        return false;
                    }

                    _fromCapture = value == "capture";
                    return true;
                case "expect":
                    ReplayExpectedOutcome? outcome = value switch
                    {
                        "valid-client" => ReplayExpectedOutcome.ValidClient,
                        "license-issued" => ReplayExpectedOutcome.LicenseIssued,
                        "license-upgraded" => ReplayExpectedOutcome.LicenseUpgraded,
                        "failed" => ReplayExpectedOutcome.Failed,
                        _ => null,
                    };
                    if (outcome is null)
                    {
                        error = $"line {number}: expect '{value}' is none of valid-client, license-issued, license-upgraded, failed";
                        return false;
                    }

                    _expected = outcome;
                    return true;
                default:
                    error = $"line {number}: unknown keyword '{keyword}'";
                    return false;
            }
        }

        public bool Add(string keyword, string rest, byte[] bytes, int number, out string? error)
        {
            error = null;
            switch (keyword)
            {
                case "server":
                case "client":
                case "server-encrypted":
                case "client-encrypted":
                    if (_pdus.Count >= MaxPdusPerExchange)
                    {
                        error = $"line {number}: more than {MaxPdusPerExchange} PDUs in one exchange";
                        return false;
                    }

                    if (bytes.Length == 0 || bytes.Length > LicensingPduDecoder.MaxPduLength + SecurityHeader.Length + 64)
                    {
                        error = $"line {number}: a PDU of {bytes.Length} bytes (1 to {LicensingPduDecoder.MaxPduLength + SecurityHeader.Length + 64})";
                        return false;
                    }

                    _pdus.Add(new ReplayPdu(keyword.StartsWith("server", StringComparison.Ordinal) ? CaptureDirection.ServerToClient : CaptureDirection.ClientToServer, bytes, keyword.EndsWith("encrypted", StringComparison.Ordinal)));
                    return true;
                case "client-random":
                    return Fixed(bytes, 32, keyword, number, _clientRandoms, out error);
                case "premaster-secret":
                    return Fixed(bytes, 48, keyword, number, _preMasterSecrets, out error);
                case "gcc-server-certificate":
                    if (bytes.Length == 0 || bytes.Length > LicensingPduDecoder.MaxPduLength)
                    {
                        error = $"line {number}: a GCC server certificate of {bytes.Length} bytes (1 to {LicensingPduDecoder.MaxPduLength})";
                        return false;
                    }

                    _gccCertificate = bytes;
                    return true;
                case "hwid":
                    if (!ClientHardwareId.TryDecode(bytes, out ClientHardwareId hardwareId, out DecodeError decodeError) || bytes.Length != ClientHardwareId.Length)
                    {
                        error = $"line {number}: hwid must be {ClientHardwareId.Length} bytes ({decodeError})";
                        return false;
                    }

                    _hardwareId = hardwareId;
                    return true;
                default:
                    // stored-cal VERSION SCOPE PRODUCT COMPANY...
                    string[] parts = rest.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                    string versionText = parts.Length > 0 && parts[0].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? parts[0][2..] : parts.Length > 0 ? parts[0] : string.Empty;
                    if (parts.Length < 4 || !uint.TryParse(versionText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint version))
                    {
                        error = $"line {number}: stored-cal takes VERSION SCOPE PRODUCT COMPANY, then the CAL's hex on indented lines";
                        return false;
                    }

                    if (bytes.Length == 0 || bytes.Length > StoredLicense.MaxLicenseInfoLength)
                    {
                        error = $"line {number}: a stored CAL of {bytes.Length} bytes (1 to {StoredLicense.MaxLicenseInfoLength})";
                        return false;
                    }

                    _licenses.Add(new StoredLicense(new LicenseKey(version, parts[1], parts[3], parts[2]), bytes, DateTimeOffset.UnixEpoch));
                    return true;
            }
        }

        private static bool Fixed(byte[] bytes, int length, string keyword, int number, List<ReadOnlyMemory<byte>> into, out string? error)
        {
            if (bytes.Length != length)
            {
                error = $"line {number}: {keyword} must be {length} bytes, is {bytes.Length}";
                return false;
            }

            if (into.Count >= MaxPdusPerExchange)
            {
                error = $"line {number}: too many {keyword} lines";
                return false;
            }

            into.Add(bytes);
            error = null;
            return true;
        }

        public bool TryBuild(string source, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ReplayExchange? exchange, out string? error)
        {
            exchange = null;
            if (_pdus.Count == 0)
            {
                error = $"line {line}: exchange '{name}' has no server or client PDU";
                return false;
            }

            var secrets = new ReplaySecrets
            {
                ClientRandoms = _clientRandoms,
                PreMasterSecrets = _preMasterSecrets,
                HardwareId = _hardwareId,
                PlatformId = _platformId ?? _hardwareId?.PlatformId,
                UserName = _userName,
                MachineName = _machineName,
                StoredLicenses = _licenses,
                GccServerCertificate = _gccCertificate ?? ReadOnlyMemory<byte>.Empty,
            };
            exchange = new ReplayExchange(source, name, _pdus, secrets, _expected, fromCapture: _fromCapture);
            error = null;
            return true;
        }
    }
}
