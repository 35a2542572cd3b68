using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;

namespace TsThinLic.Host;

/// <summary>
/// The host's logging: <c>--verbose</c> lowers the level from Warning to Debug, <c>--log-format json</c> writes one
/// JSON object per line. A small logger of our own writes to the error stream: the console logging package would
/// bring configuration and options machinery the device does not need. The library decides what is logged (never
/// key material; HWIDs only as a fingerprint).
/// </summary>
internal static class HostLogging
{
    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log the exchange step by step (Debug level).", Recursive = true };

    public static Option<string> Format { get; } = new("--log-format")
    {
        Description = "Log format: text or json (one object per line).",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    static HostLogging() => Format.AcceptOnlyFromAmong("text", "json");

    /// <summary>The logger a command uses, as the global options say.</summary>
    public static ILogger CreateLogger(ParseResult parseResult, TextWriter error, string category)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        LogLevel minimum = parseResult.GetValue(Verbose) ? LogLevel.Debug : LogLevel.Warning;
        bool json = parseResult.GetValue(Format) == "json";
        return new StreamLogger(error, category, minimum, json, TimeProvider.System);
    }

    /// <summary>Writes each entry as one line of text or JSON.</summary>
    internal sealed class StreamLogger(TextWriter writer, string category, LogLevel minimum, bool json, TimeProvider time) : ILogger
    {
        private readonly Lock _lock = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string message = formatter(state, exception);
            string line = json ? Json(logLevel, eventId, state, message, exception) : Text(logLevel, eventId, message, exception);
            lock (_lock)
            {
                writer.WriteLine(line);
            }
        }

        // One entry, one line: a message carrying text from outside (a CAL's scope, a reason) is escaped whole.
        private string Text(LogLevel level, EventId eventId, string message, Exception? exception)
            => TerminalText.Escape($"{time.GetUtcNow():HH:mm:ss.fff} {Short(level)} [{eventId.Id}] {message}{(exception is null ? string.Empty : $" ({exception.GetType().Name}: {TsThinLic.Storage.Files.OsErrorText.Explain(exception)})")}");

        private string Json<TState>(LogLevel level, EventId eventId, TState state, string message, Exception? exception)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("timestamp", time.GetUtcNow());
                json.WriteString("level", level.ToString());
                json.WriteNumber("eventId", eventId.Id);
                if (eventId.Name is { } name)
                {
                    json.WriteString("event", name);
                }

                json.WriteString("category", category);
                json.WriteString("message", message);
                if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
                {
                    json.WriteStartObject("fields");
                    foreach (KeyValuePair<string, object?> field in fields)
                    {
                        if (field.Key == "{OriginalFormat}")
                        {
                            continue;
                        }

                        switch (field.Value)
                        {
                            case null:
                                json.WriteNull(field.Key);
                                break;
                            case int or long or uint or ushort or byte:
                                json.WriteNumber(field.Key, Convert.ToInt64(field.Value, System.Globalization.CultureInfo.InvariantCulture));
                                break;
                            case bool flag:
                                json.WriteBoolean(field.Key, flag);
                                break;
                            default:
                                json.WriteString(field.Key, Convert.ToString(field.Value, System.Globalization.CultureInfo.InvariantCulture));
                                break;
                        }
                    }

                    json.WriteEndObject();
                }

                if (exception is not null)
                {
                    json.WriteString("exception", $"{exception.GetType().Name}: {TsThinLic.Storage.Files.OsErrorText.Explain(exception)}");
                }

                json.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
