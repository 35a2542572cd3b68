namespace TsThinLic.Emulator.Serving;

/// <summary>
/// The server's movable clock (`serve --now DATE`, `--days-offset N`): another clock shifted by a fixed offset, so a QA
/// run walks a fleet through months of CAL lifetimes in seconds while time still passes during the run. Timers and
/// timestamps (the connection bounds) stay the inner clock's.
/// </summary>
public sealed class OffsetTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;

    public OffsetTimeProvider(TimeProvider inner, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Offset = offset;
    }

    /// <summary>How far this clock is ahead of (or behind) the inner one.</summary>
    public TimeSpan Offset { get; }

    /// <summary>A clock that reads <paramref name="now"/> at this instant of <paramref name="inner"/>.</summary>
    public static OffsetTimeProvider StartingAt(TimeProvider inner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new OffsetTimeProvider(inner, now - inner.GetUtcNow());
    }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => _inner.CreateTimer(callback, state, dueTime, period);
}
