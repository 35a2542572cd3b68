namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12.1.1] Licensing Preamble (LICENSE_PREAMBLE): bMsgType, flags, wMsgSize. wMsgSize counts the
/// whole licensing PDU including this preamble but not a TS_SECURITY_HEADER in front of it.
/// </summary>
/// <param name="MessageType">bMsgType.</param>
/// <param name="Flags">flags: low nibble = version, 0x80 = EXTENDED_ERROR_MSG_SUPPORTED.</param>
/// <param name="MessageSize">wMsgSize.</param>
public readonly record struct LicensePreamble(LicensingMessageType MessageType, byte Flags, ushort MessageSize)
{
    /// <summary>PREAMBLE_VERSION_2_0 (RDP 4.0).</summary>
    public const byte PreambleVersion2 = 0x02;

    /// <summary>PREAMBLE_VERSION_3_0 (RDP 5.0 and later).</summary>
    public const byte PreambleVersion3 = 0x03;

    /// <summary>EXTENDED_ERROR_MSG_SUPPORTED.</summary>
    public const byte ExtendedErrorMessageSupportedFlag = 0x80;

    /// <summary>The flags a client sends by default: version 3 | EXTENDED_ERROR_MSG_SUPPORTED (as in [MS-RDPELE 4.2]).</summary>
    public const byte DefaultClientFlags = PreambleVersion3 | ExtendedErrorMessageSupportedFlag;

    /// <summary>The flags a server sends by default: version 3 (as in [MS-RDPELE 4.1]).</summary>
    public const byte DefaultServerFlags = PreambleVersion3;

    public const int Length = 1 /* bMsgType */ + 1 /* flags */ + 2 /* wMsgSize */;

    /// <summary>The preamble version (flags &amp; 0x0F).</summary>
    public int Version => Flags & 0x0F;

    public bool ExtendedErrorMessageSupported => (Flags & ExtendedErrorMessageSupportedFlag) != 0;
}
