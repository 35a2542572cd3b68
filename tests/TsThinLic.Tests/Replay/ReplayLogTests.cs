using Microsoft.Extensions.Logging;
using TsThinLic.Replay;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>The replay logs in its own event range (500-599), and a failure as a warning naming the PDU.</summary>
public sealed class ReplayLogTests
{
    [Fact]
    public void FailedReplayLogsWarningWithEventIdInRange()
    {
        var logger = new ListLogger();
        ReplayInput input = ReplayInputLoader.Load("edited.pcapng", ReplayMismatchTests.EditedCapture(out _));
        ReplayReport.Run([input], logger);
        Assert.All(logger.Entries, e => Assert.InRange(e.Id, 500, 599));
        Assert.Contains(logger.Entries, e => e.Id == 502 && e.Level == LogLevel.Warning && e.Message.Contains("PreferredKeyExchangeAlg", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Id == 501 && e.Message.Contains("fail", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}
