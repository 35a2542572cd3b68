namespace TsThinLic.Pdu;

/// <summary>[MS-RDPBCGR 2.2.1.4.3.1] Server Certificate dwVersion low 31 bits (certChainVersion).</summary>
public enum ServerCertificateType : uint
{
    /// <summary>CERT_CHAIN_VERSION_1: a proprietary certificate ([MS-RDPBCGR 2.2.1.4.3.1.1]).</summary>
    Proprietary = 0x00000001,

    /// <summary>CERT_CHAIN_VERSION_2: an X.509 certificate chain ([MS-RDPELE 2.2.1.4.2]).</summary>
    X509 = 0x00000002,
}
