using Microsoft.Extensions.Logging;

namespace TsThinLic.Emulator;

/// <summary>
/// Every log message of the emulated RDP and license server (`serve`, 400-499; 900 is the C library's), with its event ID. Key material is never
/// a parameter; a HWID appears only as its fingerprint; client text arrives already bounded.
/// </summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Serving on {EndPoint}: security {Security}, encryption {Encryption}, pool of {Capacity} CALs ({Free} free), clock {Now}")]
    public static partial void ServeListening(ILogger logger, string endPoint, string security, string encryption, int capacity, int free, string now);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Connection {Id} from {Client}: {Outcome}, licensing {Licensing}, HWID {Hardware}, {AfterLicensing}")]
    public static partial void ServeConnectionEnded(ILogger logger, long id, string client, string outcome, string licensing, string hardware, string afterLicensing);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Connection {Id} from {Client} failed: {Reason} during {Phase}: {Detail}")]
    public static partial void ServeConnectionFailed(ILogger logger, long id, string client, string reason, string phase, string detail);

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "The pool's books could not be saved to {Path}; the file keeps its previous books")]
    public static partial void ServeStateSaveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "{Active} connections are open, the most allowed: new clients wait until one ends")]
    public static partial void ServeAtConnectionLimit(ILogger logger, int active);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Stopped after {Accepted} connections ({Completed} completed, {Failed} failed)")]
    public static partial void ServeStopped(ILogger logger, long accepted, long completed, long failed);
}
