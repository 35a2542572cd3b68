using Microsoft.Extensions.Logging;

namespace TsThinLic.Replay;

/// <summary>The replay's log messages, event IDs 500-599. PDUs and secrets are never logged, only their names and verdicts.</summary>
internal static partial class ReplayLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Replaying {Exchange} from {Source}: {PduCount} PDU(s), {Comparison}")]
    public static partial void Replaying(ILogger logger, string exchange, string source, int pduCount, string comparison);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Replay of {Exchange}: {Verdict}; our client: {Outcome}")]
    public static partial void Replayed(ILogger logger, string exchange, string verdict, string outcome);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Replay of {Exchange}: PDU {Index} ({MessageType}) failed: {Detail}")]
    public static partial void PduFailed(ILogger logger, string exchange, int index, string messageType, string detail);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Cannot read {Source} wholly: {Problem}")]
    public static partial void InputProblem(ILogger logger, string source, string problem);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "{Source}: not replayable: {Notice}")]
    public static partial void NotReplayable(ILogger logger, string source, string notice);
}
