namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.1.2.1] Basic Security Header (TS_SECURITY_HEADER): flags, flagsHi. A licensing PDU may be
/// preceded by one; its flags then carry SEC_LICENSE_PKT ([MS-RDPBCGR 2.2.1.12]).
/// </summary>
/// <param name="Flags">flags.</param>
/// <param name="FlagsHi">flagsHi (unused by the spec; kept as received, xrdp 0.9 puts arbitrary bytes here).</param>
public readonly record struct SecurityHeader(ushort Flags, ushort FlagsHi)
{
    /// <summary>SEC_LICENSE_PKT.</summary>
    public const ushort SecLicensePkt = 0x0080;

    /// <summary>SEC_ENCRYPT.</summary>
    public const ushort SecEncrypt = 0x0008;

    /// <summary>SEC_LICENSE_ENCRYPT_CS.</summary>
    public const ushort SecLicenseEncryptCs = 0x0200;

    public const int Length = 2 /* flags */ + 2 /* flagsHi */;

    /// <summary>SEC_LICENSE_PKT with nothing else: what the codec writes when a message carries no header of its own.</summary>
    public static SecurityHeader LicensePacket => new(SecLicensePkt, 0);

    public bool IsLicensePacket => (Flags & SecLicensePkt) != 0;

    public bool IsEncrypted => (Flags & SecEncrypt) != 0;
}
