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

    // Doctor (700-709): one event per check that found a problem (Warning) or a warning (Information). The evidence
    // names records, keys and HWID fingerprints only.
    [LoggerMessage(EventId = 700, Message = "Doctor server-reachable: {Verdict}: {Evidence}")]
    public static partial void DoctorServerReachable(ILogger logger, LogLevel level, string verdict, string evidence);

    [LoggerMessage(EventId = 701, Message = "Doctor store-access: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorStoreAccess(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 702, Message = "Doctor hwid: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorHardwareId(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 703, Message = "Doctor cal-decode: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorCalDecode(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 704, Message = "Doctor cal-hwid: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorCalHardwareId(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 705, Message = "Doctor temporary-cal-age: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorTemporaryCalAge(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 706, Message = "Doctor cal-expiry: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorCalExpiry(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 707, Message = "Doctor duplicate-cals: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorDuplicateCals(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 708, Message = "Doctor corrupt-records: {Verdict}: {Evidence} (server events: {ServerEvents})")]
    public static partial void DoctorCorruptRecords(ILogger logger, LogLevel level, string verdict, string evidence, string serverEvents);

    [LoggerMessage(EventId = 709, Level = LogLevel.Debug, Message = "Doctor finished: {Problems} problem(s), {Warnings} warning(s) in {Checks} check(s)")]
    public static partial void DoctorFinished(ILogger logger, int problems, int warnings, int checks);
}
