using System.Text;
using Microsoft.Extensions.Logging;

namespace TsThinLic.Native;

/// <summary>
/// The core's logger as the caller's log callback (tsthinlic_log_fn): level, event ID and the formatted message in
/// UTF-8, control characters escaped. What reaches it is what the core's [LoggerMessage] events say, which never
/// carries key material.
/// </summary>
internal sealed unsafe class CallbackLogger : ILogger
{
    private readonly delegate* unmanaged<void*, int, int, byte*, void> _log;
    private readonly void* _context;
    private readonly LogLevel _minimum;

    public CallbackLogger(delegate* unmanaged<void*, int, int, byte*, void> log, void* context, int minimum)
    {
        _log = log;
        _context = context;
        _minimum = minimum is >= (int)LogLevel.Trace and <= (int)LogLevel.None ? (LogLevel)minimum : LogLevel.None;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} ({exception.GetType().Name}: {exception.Message})";
        }

        string safe = CallerMemory.Escape(message);
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(safe) + 1];
        Encoding.UTF8.GetBytes(safe, bytes);
        fixed (byte* text = bytes)
        {
            _log(_context, (int)logLevel, eventId.Id, text);
        }
    }
}
