using Microsoft.Extensions.Logging;

namespace TsThinLic.Native;

/// <summary>
/// The C layer's own log events, 900-999 (the core's 100, 300 and 700 ranges reach the same callback). Key material is
/// never a parameter; a HWID appears only as its fingerprint.
/// </summary>
internal static partial class NativeLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Debug, Message = "{Function} returned {Status}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string function, string status, string detail);

    [LoggerMessage(EventId = 901, Level = LogLevel.Error, Message = "{Function} caught an unexpected {ExceptionType} at the C boundary: {Detail}")]
    public static partial void UnexpectedException(ILogger logger, string function, string exceptionType, string detail);

    [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "Store {Store}: HWID {Before} replaced by {After}; {Removed} CAL(s) removed")]
    public static partial void HardwareIdRegenerated(ILogger logger, string store, string before, string after, int removed);

    [LoggerMessage(EventId = 903, Level = LogLevel.Information, Message = "Store {Store} wiped ({What}); the HWID was {Before}")]
    public static partial void Wiped(ILogger logger, string store, string what, string before);

    [LoggerMessage(EventId = 904, Level = LogLevel.Information, Message = "Store {Store} imported a {Format} image: HWID {Before} -> {After}, {Licenses} CAL(s){Adopted}")]
    public static partial void Imported(ILogger logger, string store, string format, string before, string after, int licenses, string adopted);
}
