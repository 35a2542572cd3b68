using Microsoft.Extensions.Logging;

namespace TsThinLic.Diagnostics;

/// <summary>
/// Every log message the library writes, with its event ID, in one place. Key material is never a parameter here;
/// a HWID appears only as its <see cref="Crypto.HardwareIdFingerprint"/>.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Licensing exchange starts: HWID {HardwareIdFingerprint} ({HardwareIdState}), {LicenseCount} stored license(s)")]
    public static partial void ExchangeStarting(ILogger logger, string hardwareIdFingerprint, string hardwareIdState, int licenseCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Received {MessageType} ({Length} bytes)")]
    public static partial void PduReceived(ILogger logger, string messageType, int length);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Sent {MessageType} ({Length} bytes)")]
    public static partial void PduSent(ILogger logger, string messageType, int length);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Licensing completed: {Outcome}")]
    public static partial void ExchangeCompleted(ILogger logger, string outcome);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "License stored: {LicenseKey} ({Length} bytes)")]
    public static partial void LicenseStored(ILogger logger, string licenseKey, int length);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Licensing failed: {Reason}: {Detail}")]
    public static partial void ExchangeFailed(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "The store refused the licensing result; it is unchanged")]
    public static partial void StoreSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "New HWID {HardwareIdFingerprint} stored")]
    public static partial void HardwareIdStored(ILogger logger, string hardwareIdFingerprint);

    // Doctor (700-702): one event per check that found a problem (Warning) or a warning (Information), keyed by the
    // stable check ID. One message per verdict, not per check: each [LoggerMessage] is a state type the AOT host
    // compiles its logger for. The evidence names records, keys and HWID fingerprints only.
    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Doctor check {CheckId} found a problem: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorProblem(ILogger logger, string checkId, string evidence, string serverEvents);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Doctor check {CheckId} warns: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorWarning(ILogger logger, string checkId, string evidence, string serverEvents);

    [LoggerMessage(EventId = 702, Level = LogLevel.Debug, Message = "Doctor finished: {Problems} problem(s), {Warnings} warning(s) in {Checks} check(s)")]
    public static partial void DoctorFinished(ILogger logger, int problems, int warnings, int checks);
}
