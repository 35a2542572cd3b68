using Microsoft.Extensions.Logging;

namespace TsThinLic.Storage;

/// <summary>The stores' log messages, event IDs 300-399. A HWID appears only as its fingerprint, never in full.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Store record {Record} is corrupt and treated as absent: {Reason}")]
    public static partial void RecordCorrupt(ILogger logger, string record, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "The stored HWID was made on another device (a cloned image); this device will make its own on next use")]
    public static partial void CloneDetected(ILogger logger);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Store {Store} loaded: sequence {Sequence}, {LicenseCount} license(s)")]
    public static partial void Loaded(ILogger logger, string store, uint sequence, int licenseCount);

    [LoggerMessage(EventId = 303, Level = LogLevel.Debug, Message = "Store {Store} committed sequence {Sequence} ({Length} payload bytes) to {Where}")]
    public static partial void Committed(ILogger logger, string store, uint sequence, int length, string where);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Store {Store} wiped ({What})")]
    public static partial void Wiped(ILogger logger, string store, string what);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Store {Store} refused an update: {Reason}")]
    public static partial void Refused(ILogger logger, string store, string reason);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Registry store: {Finding}")]
    public static partial void RegistryAttention(ILogger logger, string finding);

    [LoggerMessage(EventId = 307, Level = LogLevel.Debug, Message = "Registry store removed incomplete or duplicate entry {Entry}")]
    public static partial void RegistryEntryRemoved(ILogger logger, string entry);
}
