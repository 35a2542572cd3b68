namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.8.1.1.1.1] The type nibble of the Share Control Header's pduType.</summary>
public enum SharePduType : byte
{
    /// <summary>PDUTYPE_DEMANDACTIVEPDU.</summary>
    DemandActive = 0x1,

    /// <summary>PDUTYPE_CONFIRMACTIVEPDU.</summary>
    ConfirmActive = 0x3,

    /// <summary>PDUTYPE_DEACTIVATEALLPDU.</summary>
    DeactivateAll = 0x6,

    /// <summary>PDUTYPE_DATAPDU.</summary>
    Data = 0x7,

    /// <summary>PDUTYPE_SERVER_REDIR_PKT.</summary>
    ServerRedirect = 0xA,
}
