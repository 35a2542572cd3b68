using Microsoft.Extensions.Logging;

namespace TsThinLic.Diagnostics;

/// <summary>
/// Every log message the product writes (library and host), with its event ID, in one place: 100 licensing, 300
/// stores, 500 QA replay, 600 connection and probe, 700 doctor, 800 store maintenance commands. Key material is never a parameter here;
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


    // Connection sequence and probe (600-699)

    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Connecting to {Host}:{Port} ({Requested})")]
    public static partial void ProbeConnecting(ILogger logger, string host, int port, string requested);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "Phase {Phase} took {Milliseconds} ms")]
    public static partial void ProbePhaseCompleted(ILogger logger, string phase, double milliseconds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "Server selected {Protocol}")]
    public static partial void ProbeProtocolSelected(ILogger logger, string protocol);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "The server refused TLS ({Failure}); retrying with Standard RDP Security")]
    public static partial void ProbeFallingBackToStandardSecurity(ILogger logger, string failure);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Connection to {Host}:{Port} ended: {Outcome}")]
    public static partial void ProbeFinished(ILogger logger, string host, int port, string outcome);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Connection to {Host}:{Port} failed: {Reason} during {Phase}: {Detail}")]
    public static partial void ProbeFailed(ILogger logger, string host, int port, string reason, string phase, string detail);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "License stored: {LicenseKey} ({Length} bytes)")]
    public static partial void ProbeLicenseStored(ILogger logger, string licenseKey, int length);

    [LoggerMessage(EventId = 607, Level = LogLevel.Error, Message = "The store refused the licensing result; it is unchanged")]
    public static partial void ProbeStoreSaveFailed(ILogger logger, Exception exception);


    // Store maintenance commands: wipe, hwid, import, export (800-899)

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Store {Store} wiped ({What}): HWID {OldHardwareId} -> {NewHardwareId}; backup {Backup}")]
    public static partial void WipeCommandCompleted(ILogger logger, string store, string what, string oldHardwareId, string newHardwareId, string backup);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Store {Store}: HWID regenerated {OldHardwareId} -> {NewHardwareId}, {LicenseCount} CAL(s) removed; backup {Backup}")]
    public static partial void HwidCommandRegenerated(ILogger logger, string store, string oldHardwareId, string newHardwareId, int licenseCount, string backup);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "Store {Store} replaced from {Source} ({Format}, {How}): HWID {OldHardwareId} -> {NewHardwareId}, {LicenseCount} CAL(s); backup {Backup}")]
    public static partial void ImportCommandCompleted(ILogger logger, string store, string source, string format, string how, string oldHardwareId, string newHardwareId, int licenseCount, string backup);

    [LoggerMessage(EventId = 803, Level = LogLevel.Information, Message = "Backup of store {Store} written to {Path} ({Length} bytes, {Format})")]
    public static partial void BackupWritten(ILogger logger, string store, string path, int length, string format);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "Store {Store} exported to {Path} ({Format}): HWID {HardwareId}, {LicenseCount} CAL(s)")]
    public static partial void ExportCommandCompleted(ILogger logger, string store, string path, string format, string hardwareId, int licenseCount);
}
