namespace TsThinLic.Rdp.Connection;

/// <summary>
/// The server's real verdict after licensing: the Demand Active PDU, a Set Error Info PDU, a Disconnect Provider
/// Ultimatum (or a closed connection), or nothing within the timeout.
/// </summary>
public sealed class ServerVerdict
{
    public ServerVerdict(ServerVerdictKind kind, uint? errorInfo = null, byte? disconnectReason = null, string? detail = null)
    {
        Kind = kind;
        ErrorInfo = errorInfo;
        DisconnectReason = disconnectReason;
        Detail = detail;
    }

    /// <summary>Which PDU (or none) ended the wait.</summary>
    public ServerVerdictKind Kind { get; }

    /// <summary>errorInfo of the Set Error Info PDU, when one came (also before a disconnect).</summary>
    public uint? ErrorInfo { get; }

    /// <summary>reason of the Disconnect Provider Ultimatum, when one came.</summary>
    public byte? DisconnectReason { get; }

    /// <summary>More on what happened, for people (the connection closed without an ultimatum, …).</summary>
    public string? Detail { get; }

    /// <summary>The errorInfo code described ([MS-RDPBCGR 2.2.5.1.1]), when there is one.</summary>
    public ErrorInfoDescription? ErrorInfoDescription => ErrorInfo is { } code ? ErrorInfoCatalog.Describe(code) : null;

    /// <summary>Whether the server accepted the client (Demand Active).</summary>
    public bool Accepted => Kind == ServerVerdictKind.DemandActive;

    /// <summary>The JSON name of the kind: demand-active, set-error-info, disconnect, timeout.</summary>
    public string PduName => Kind switch
    {
        ServerVerdictKind.DemandActive => "demand-active",
        ServerVerdictKind.SetErrorInfo => "set-error-info",
        ServerVerdictKind.Disconnect => "disconnect",
        _ => "timeout",
    };

    public override string ToString()
        => ErrorInfoDescription is { } description ? $"{PduName} ({description.Name}: {description.Meaning})" : Detail is null ? PduName : $"{PduName} ({Detail})";
}
