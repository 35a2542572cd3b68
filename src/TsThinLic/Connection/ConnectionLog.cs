using Microsoft.Extensions.Logging;

namespace TsThinLic.Connection;

/// <summary>Log messages of the connection sequence and probe (event IDs 600-699). Never key material or randoms.</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Connecting to {Host}:{Port} ({Requested})")]
    public static partial void Connecting(ILogger logger, string host, int port, string requested);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "Phase {Phase} took {Milliseconds} ms")]
    public static partial void PhaseCompleted(ILogger logger, string phase, double milliseconds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "Server selected {Protocol}")]
    public static partial void ProtocolSelected(ILogger logger, string protocol);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "The server refused TLS ({Failure}); retrying with Standard RDP Security")]
    public static partial void FallingBackToStandardSecurity(ILogger logger, string failure);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Connection to {Host}:{Port} ended: {Outcome}")]
    public static partial void Finished(ILogger logger, string host, int port, string outcome);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Connection to {Host}:{Port} failed: {Reason} during {Phase}: {Detail}")]
    public static partial void Failed(ILogger logger, string host, int port, string reason, string phase, string detail);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "License stored: {LicenseKey} ({Length} bytes)")]
    public static partial void LicenseStored(ILogger logger, string licenseKey, int length);

    [LoggerMessage(EventId = 607, Level = LogLevel.Error, Message = "The store refused the licensing result; it is unchanged")]
    public static partial void StoreSaveFailed(ILogger logger, Exception exception);
}
