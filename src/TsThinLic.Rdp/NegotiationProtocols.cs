namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.1.1] requestedProtocols / selectedProtocol flags of RDP_NEG_REQ and RDP_NEG_RSP.</summary>
[Flags]
public enum NegotiationProtocols : uint
{
    /// <summary>PROTOCOL_RDP: Standard RDP Security ([MS-RDPBCGR 5.3]).</summary>
    Rdp = 0x00000000,

    /// <summary>PROTOCOL_SSL: TLS 1.0, 1.1 or 1.2 ([MS-RDPBCGR 5.4.5.1]).</summary>
    Ssl = 0x00000001,

    /// <summary>PROTOCOL_HYBRID: CredSSP ([MS-CSSP]).</summary>
    Hybrid = 0x00000002,

    /// <summary>PROTOCOL_RDSTLS.</summary>
    RdsTls = 0x00000004,

    /// <summary>PROTOCOL_HYBRID_EX: CredSSP with the Early User Authorization Result PDU.</summary>
    HybridEx = 0x00000008,

    /// <summary>PROTOCOL_RDSAAD.</summary>
    RdsAad = 0x00000010,
}
