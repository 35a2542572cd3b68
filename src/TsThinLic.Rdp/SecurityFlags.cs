namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.8.1.1.2.1] flags of the Basic Security Header (TS_SECURITY_HEADER).</summary>
[Flags]
public enum SecurityFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>SEC_EXCHANGE_PKT: Security Exchange PDU.</summary>
    ExchangePkt = 0x0001,

    /// <summary>SEC_TRANSPORT_REQ.</summary>
    TransportReq = 0x0002,

    /// <summary>RDP_SEC_TRANSPORT_RSP.</summary>
    TransportRsp = 0x0004,

    /// <summary>SEC_ENCRYPT: the data after the header is encrypted and signed.</summary>
    Encrypt = 0x0008,

    /// <summary>SEC_RESET_SEQNO.</summary>
    ResetSeqno = 0x0010,

    /// <summary>SEC_IGNORE_SEQNO.</summary>
    IgnoreSeqno = 0x0020,

    /// <summary>SEC_INFO_PKT: Client Info PDU.</summary>
    InfoPkt = 0x0040,

    /// <summary>SEC_LICENSE_PKT: licensing PDU.</summary>
    LicensePkt = 0x0080,

    /// <summary>SEC_LICENSE_ENCRYPT_CS.</summary>
    LicenseEncryptCs = 0x0200,

    /// <summary>SEC_REDIRECTION_PKT.</summary>
    RedirectionPkt = 0x0400,

    /// <summary>SEC_SECURE_CHECKSUM: the MAC is salted with the encryption count ([MS-RDPBCGR 5.3.6.1.1]).</summary>
    SecureChecksum = 0x0800,

    /// <summary>SEC_AUTODETECT_REQ.</summary>
    AutodetectReq = 0x1000,

    /// <summary>SEC_AUTODETECT_RSP.</summary>
    AutodetectRsp = 0x2000,

    /// <summary>SEC_HEARTBEAT.</summary>
    Heartbeat = 0x4000,

    /// <summary>SEC_FLAGSHI_VALID.</summary>
    FlagsHiValid = 0x8000,
}
