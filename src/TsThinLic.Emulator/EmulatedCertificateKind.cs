namespace TsThinLic.Emulator;

/// <summary>Which server certificate (and key) the emulated server presents ([MS-RDPBCGR 2.2.1.4.3.1]).</summary>
public enum EmulatedCertificateKind
{
    /// <summary>A proprietary certificate (dwVersion 1) for the 2048-bit key, signed with the Terminal Services key.</summary>
    Proprietary2048,

    /// <summary>A proprietary certificate for the 512-bit key: the size Windows and xrdp put in theirs.</summary>
    Proprietary512,

    /// <summary>
    /// An X.509 chain (CERT_CHAIN_VERSION_2, issued temporarily) like Windows Server 2008 and later send: the license
    /// server's self-signed certificate, then the server's, whose 2048-bit key encrypts the premaster secret.
    /// </summary>
    X509Chain,
}
