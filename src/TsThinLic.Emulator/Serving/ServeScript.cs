using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using TsThinLic.Pdu;
using TsThinLic.Rdp;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// `serve --script FILE`: what each connection gets, in the order connections arrive. A JSON object (format
/// <c>tsthinlic-serve-script/1</c>) with <c>connections</c>, an array of plans, and <c>then</c>: "default" (every later
/// connection is a plain one, the default) or "repeat" (the list starts over). Each plan may have:
/// <list type="bullet">
/// <item><c>error</c>: <c>{ "at": "license-request"|"challenge"|"license" (or 0, 1, 2), "code": "ERR_INVALID_CLIENT",
/// "transition": "ST_TOTAL_ABORT" }</c>, an ERROR_ALERT in place of the server's PDU at that step, then what a server
/// does for that transition ([MS-RDPELE 3.1.5.2]);</item>
/// <item><c>logon</c>: false when the connection must not count as a logon (default true);</item>
/// <item><c>errorInfo</c>: a Set Error Info PDU after licensing instead of Demand Active, by name
/// (ERRINFO_LICENSE_NO_LICENSE) or number.</item>
/// </list>
/// </summary>
public sealed class ServeScript
{
    /// <summary>The format name in the file.</summary>
    public const string Format = "tsthinlic-serve-script/1";

    /// <summary>The largest script file read.</summary>
    public const long MaxLength = 1024 * 1024;

    /// <summary>The most plans in one script.</summary>
    public const int MaxEntries = 10_000;

    private readonly IReadOnlyList<ServeConnectionPlan> _plans;
    private readonly bool _repeat;
    private long _next;

    private ServeScript(IReadOnlyList<ServeConnectionPlan> plans, bool repeat)
    {
        _plans = plans;
        _repeat = repeat;
    }

    /// <summary>The plans in order.</summary>
    public IReadOnlyList<ServeConnectionPlan> Plans => _plans;

    /// <summary>The plan of the next connection (thread-safe: connections take plans in the order they ask).</summary>
    public ServeConnectionPlan Next()
    {
        long index = Interlocked.Increment(ref _next) - 1;
        if (_plans.Count == 0)
        {
            return ServeConnectionPlan.Default;
        }

        if (index < _plans.Count)
        {
            return _plans[(int)index];
        }

        return _repeat ? _plans[(int)(index % _plans.Count)] : ServeConnectionPlan.Default;
    }

    /// <summary>Reads a script file; false with a message that names the entry and field at fault.</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out ServeScript? script, out string problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        script = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxLength)
            {
                problem = info.Exists ? $"{path}: more than {MaxLength} bytes" : $"{path}: no such file";
                return false;
            }

            return TryParse(File.ReadAllBytes(path), out script, out problem);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: {exception.Message}";
            return false;
        }
    }

    /// <summary>Parses a script.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out ServeScript? script, out string problem)
    {
        script = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Skip });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the script is not a JSON object";
                return false;
            }

            if (root.TryGetProperty("format", out JsonElement format) && (format.ValueKind != JsonValueKind.String || format.GetString() != Format))
            {
                problem = $"\"format\" is not {Format}";
                return false;
            }

            bool repeat = false;
            if (root.TryGetProperty("then", out JsonElement then))
            {
                string? value = then.ValueKind == JsonValueKind.String ? then.GetString() : null;
                if (value is not ("default" or "repeat"))
                {
                    problem = "\"then\" is neither \"default\" nor \"repeat\"";
                    return false;
                }

                repeat = value == "repeat";
            }

            if (!root.TryGetProperty("connections", out JsonElement connections) || connections.ValueKind != JsonValueKind.Array || connections.GetArrayLength() > MaxEntries)
            {
                problem = $"\"connections\" is not an array of at most {MaxEntries} plans";
                return false;
            }

            var plans = new List<ServeConnectionPlan>();
            foreach (JsonElement entry in connections.EnumerateArray())
            {
                if (!TryReadPlan(entry, plans.Count + 1, out ServeConnectionPlan? plan, out string why))
                {
                    problem = $"connections[{plans.Count}]: {why}";
                    return false;
                }

                plans.Add(plan);
            }

            script = new ServeScript(plans, repeat);
            problem = string.Empty;
            return true;
        }
        catch (JsonException exception)
        {
            problem = $"not JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryReadPlan(JsonElement entry, int number, [NotNullWhen(true)] out ServeConnectionPlan? plan, out string problem)
    {
        plan = null;
        problem = string.Empty;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problem = "a plan is a JSON object";
            return false;
        }

        var result = new ServeConnectionPlan { Entry = number };
        foreach (JsonProperty property in entry.EnumerateObject())
        {
            switch (property.Name)
            {
                case "error":
                    if (!TryReadError(property.Value, ref result, out problem))
                    {
                        return false;
                    }

                    break;
                case "logon":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        problem = "\"logon\" is not true or false";
                        return false;
                    }

                    result = result with { Logon = property.Value.GetBoolean() };
                    break;
                case "errorInfo":
                    string? text = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => null,
                    };
                    if (text is null || !RdpSpecNames.TryParseErrorInfo(text, out uint errorInfo))
                    {
                        problem = "\"errorInfo\" is not an ERRINFO_* name or a number";
                        return false;
                    }

                    result = result with { ErrorInfo = errorInfo };
                    break;
                case "comment":
                    break;
                default:
                    problem = $"unknown field \"{property.Name}\" (error, logon, errorInfo, comment)";
                    return false;
            }
        }

        plan = result;
        return true;
    }

    private static bool TryReadError(JsonElement error, ref ServeConnectionPlan plan, out string problem)
    {
        problem = string.Empty;
        if (error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("at", out JsonElement at) || !error.TryGetProperty("code", out JsonElement code) || !error.TryGetProperty("transition", out JsonElement transition))
        {
            problem = "\"error\" needs \"at\", \"code\" and \"transition\"";
            return false;
        }

        int? step = at.ValueKind switch
        {
            JsonValueKind.Number when at.TryGetInt32(out int n) && n is >= 0 and <= 2 => n,
            JsonValueKind.String => at.GetString() switch
            {
                "license-request" => 0,
                "challenge" => 1,
                "license" => 2,
                _ => null,
            },
            _ => null,
        };
        if (step is null)
        {
            problem = "\"error.at\" is not license-request, challenge, license, 0, 1 or 2";
            return false;
        }

        if (!TryParseName(code, Enum.GetValues<LicensingErrorCode>(), LicensingSpecNames.ErrorCode, out LicensingErrorCode errorCode))
        {
            problem = "\"error.code\" is not a dwErrorCode name (ERR_INVALID_CLIENT, STATUS_VALID_CLIENT, …) or number";
            return false;
        }

        if (!TryParseName(transition, Enum.GetValues<LicensingStateTransition>(), LicensingSpecNames.StateTransition, out LicensingStateTransition stateTransition))
        {
            problem = "\"error.transition\" is not ST_TOTAL_ABORT, ST_NO_TRANSITION, ST_RESET_PHASE_TO_START, ST_RESEND_LAST_MESSAGE or a number";
            return false;
        }

        plan = plan with { ErrorStep = step, ErrorCode = errorCode, ErrorTransition = stateTransition };
        return true;
    }

    /// <summary>A uint-backed enum value by its spec name, or by number (decimal, or hex with 0x).</summary>
    private static bool TryParseName<T>(JsonElement element, T[] values, Func<T, string> name, out T value)
        where T : struct, Enum
    {
        value = default;
        uint number;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetUInt32(out number))
        {
            value = System.Runtime.CompilerServices.Unsafe.As<uint, T>(ref number);
            return true;
        }

        string? text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        foreach (T candidate in values)
        {
            if (string.Equals(name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        value = System.Runtime.CompilerServices.Unsafe.As<uint, T>(ref number);
        return true;
    }
}
