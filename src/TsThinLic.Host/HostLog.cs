using Microsoft.Extensions.Logging;

namespace TsThinLic.Host;

/// <summary>
/// Every log message of the host's store commands (800-899: wipe, hwid, import, export and their backups), with its
/// event ID. A HWID appears only as its fingerprint.
/// </summary>
internal static partial class HostLog
{
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
