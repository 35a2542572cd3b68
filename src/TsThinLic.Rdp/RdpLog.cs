using Microsoft.Extensions.Logging;

namespace TsThinLic.Rdp;

/// <summary>
/// Every log message of the connection sequence and the probe (600-699), with its event ID. Key material is never a
/// parameter here; a HWID appears only as its fingerprint.
/// </summary>
internal static partial class RdpLog
{
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

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "The server requires Network Level Authentication ({Failure}); connecting again with CredSSP")]
    public static partial void ProbeUsingNla(ILogger logger, string failure);

    [LoggerMessage(EventId = 609, Level = LogLevel.Information, Message = "The server refused raw NTLM ({Detail}); connecting again with NTLM in SPNEGO")]
    public static partial void ProbeRetryingWithSpnego(ILogger logger, string detail);
}
