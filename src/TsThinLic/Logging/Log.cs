using Microsoft.Extensions.Logging;

namespace TsThinLic.Logging;

/// <summary>
/// Every log message the core writes, with its event ID, in one place: 100 licensing, 300 stores, 700 doctor. The
/// other assemblies keep their own ranges in their own class (500 replay, 600 connection and probe, 800 the host's
/// store commands). A leaf: it names no type of the product, so every layer can log. Key material is never a
/// parameter here; a HWID appears only as its fingerprint (HardwareIdFingerprint).
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

    // Stores (300-399)

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Store record {Record} is corrupt and treated as absent: {Reason}")]
    public static partial void StoreRecordCorrupt(ILogger logger, string record, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "The stored HWID was made on another device (a cloned image); this device will make its own on next use")]
    public static partial void StoreCloneDetected(ILogger logger);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Store {Store} loaded: sequence {Sequence}, {LicenseCount} license(s)")]
    public static partial void StoreLoaded(ILogger logger, string store, uint sequence, int licenseCount);

    [LoggerMessage(EventId = 303, Level = LogLevel.Debug, Message = "Store {Store} committed sequence {Sequence} ({Length} payload bytes) to {Where}")]
    public static partial void StoreCommitted(ILogger logger, string store, uint sequence, int length, string where);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Store {Store} wiped ({What})")]
    public static partial void StoreWiped(ILogger logger, string store, string what);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Store {Store} refused an update: {Reason}")]
    public static partial void StoreRefused(ILogger logger, string store, string reason);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Registry store: {Finding}")]
    public static partial void StoreRegistryAttention(ILogger logger, string finding);

    [LoggerMessage(EventId = 307, Level = LogLevel.Debug, Message = "Registry store removed incomplete or duplicate entry {Entry}")]
    public static partial void StoreRegistryEntryRemoved(ILogger logger, string entry);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Store record {Record} failed its checks and was quarantined to {Copy} before being replaced: {Reason}")]
    public static partial void StoreRecordQuarantined(ILogger logger, string record, string copy, string reason);

    [LoggerMessage(EventId = 309, Level = LogLevel.Warning, Message = "Store record {Record} failed its checks and is replaced without a copy (no quarantine configured): {Reason}")]
    public static partial void StoreRecordDiscarded(ILogger logger, string record, string reason);

}
