using Microsoft.Extensions.Logging;

namespace TsThinLic.Host;

/// <summary>
/// The log events of the store maintenance commands (wipe, hwid, import, export), event IDs 800–899. A HWID appears
/// only as its short hash (<see cref="Crypto.HardwareIdFingerprint"/>), never in full.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Store {Store} wiped ({What}): HWID {OldHardwareId} -> {NewHardwareId}; backup {Backup}")]
    public static partial void StoreWiped(ILogger logger, string store, string what, string oldHardwareId, string newHardwareId, string backup);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Store {Store}: HWID regenerated {OldHardwareId} -> {NewHardwareId}, {LicenseCount} CAL(s) removed; backup {Backup}")]
    public static partial void HardwareIdRegenerated(ILogger logger, string store, string oldHardwareId, string newHardwareId, int licenseCount, string backup);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "Store {Store} replaced from {Source} ({Format}, {How}): HWID {OldHardwareId} -> {NewHardwareId}, {LicenseCount} CAL(s); backup {Backup}")]
    public static partial void StoreImported(ILogger logger, string store, string source, string format, string how, string oldHardwareId, string newHardwareId, int licenseCount, string backup);

    [LoggerMessage(EventId = 803, Level = LogLevel.Information, Message = "Backup of store {Store} written to {Path} ({Length} bytes, {Format})")]
    public static partial void BackupWritten(ILogger logger, string store, string path, int length, string format);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "Store {Store} exported to {Path} ({Format}): HWID {HardwareId}, {LicenseCount} CAL(s)")]
    public static partial void StoreExported(ILogger logger, string store, string path, string format, string hardwareId, int licenseCount);
}
