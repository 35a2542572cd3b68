namespace TsThinLic.Rdp.Connection;

/// <summary>How the next message of the server is framed on the wire (inside TLS when TLS runs).</summary>
public enum RdpFraming
{
    /// <summary>A TPKT packet ([MS-RDPBCGR 2.2.1.1]).</summary>
    Tpkt,

    /// <summary>A CredSSP TSRequest: one DER SEQUENCE ([MS-CSSP 2.2.1]).</summary>
    TsRequest,

    /// <summary>The 4-byte Early User Authorization Result PDU of PROTOCOL_HYBRID_EX ([MS-RDPBCGR 2.2.10.2]).</summary>
    EarlyUserAuthorizationResult,
}
