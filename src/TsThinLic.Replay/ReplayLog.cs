using Microsoft.Extensions.Logging;

namespace TsThinLic.Replay;

/// <summary>
/// Every log message of QA replay (500-599), with its event ID. Key material is never a parameter here.
/// </summary>
internal static partial class ReplayLog
{
    // QA replay (500-599)

    [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Replaying {Exchange} from {Source}: {PduCount} PDU(s), {Comparison}")]
    public static partial void ReplayStarting(ILogger logger, string exchange, string source, int pduCount, string comparison);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Replay of {Exchange}: {Verdict}; our client: {Outcome}")]
    public static partial void ReplayFinished(ILogger logger, string exchange, string verdict, string outcome);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Replay of {Exchange}: PDU {Index} ({MessageType}) failed: {Detail}")]
    public static partial void ReplayPduFailed(ILogger logger, string exchange, int index, string messageType, string detail);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Cannot read {Source} wholly: {Problem}")]
    public static partial void ReplayInputProblem(ILogger logger, string source, string problem);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "{Source}: not replayable: {Notice}")]
    public static partial void ReplayNotReplayable(ILogger logger, string source, string notice);
}
