namespace TsThinLic.Rdp.Connection;

/// <summary>What the server did after the licensing outcome ([MS-RDPBCGR 1.3.1.1]: Capabilities Exchange comes next).</summary>
public enum ServerVerdictKind
{
    /// <summary>It sent the Demand Active PDU: the client and its licensing were accepted.</summary>
    DemandActive,

    /// <summary>It sent a Set Error Info PDU with a non-zero errorInfo: it is about to disconnect, and says why.</summary>
    SetErrorInfo,

    /// <summary>It sent Disconnect Provider Ultimatum, or closed the connection, without saying why.</summary>
    Disconnect,

    /// <summary>Nothing came within the timeout (FreeRDP users see "timeout waiting for activation", FreeRDP#12004).</summary>
    Timeout,
}
