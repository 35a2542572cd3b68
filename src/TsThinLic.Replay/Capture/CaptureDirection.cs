namespace TsThinLic.Replay.Capture;

/// <summary>Which way a captured PDU went.</summary>
public enum CaptureDirection
{
    /// <summary>From the RDP client to the server.</summary>
    ClientToServer,

    /// <summary>From the RDP server to the client.</summary>
    ServerToClient,
}
