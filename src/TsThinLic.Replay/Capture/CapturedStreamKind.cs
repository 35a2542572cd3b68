namespace TsThinLic.Replay.Capture;

/// <summary>What a captured TCP connection carried, as far as the analyzer could tell.</summary>
public enum CapturedStreamKind
{
    /// <summary>RDP (TPKT/X.224/MCS) in the clear: licensing PDUs are visible (possibly encrypted by Standard RDP Security).</summary>
    Rdp,

    /// <summary>RDP whose connection switched to TLS (Enhanced RDP Security): licensing happens inside TLS, not visible.</summary>
    Tls,

    /// <summary>Not RDP framing on either side.</summary>
    NotRdp,
}
