namespace TsThinLic.Pdu;

/// <summary>Why wire data could not be decoded. The codec reports these instead of throwing.</summary>
public enum DecodeErrorKind
{
    /// <summary>The data ends before a field it needs.</summary>
    Truncated,

    /// <summary>A length field declares more than remains or more than the codec's stated maximum.</summary>
    LengthOutOfRange,

    /// <summary>A field holds a value the structure cannot have.</summary>
    InvalidValue,

    /// <summary>Bytes are left after a structure whose length was declared by an enclosing field.</summary>
    TrailingData,

    /// <summary>The first byte is neither a known bMsgType nor a TS_SECURITY_HEADER with SEC_LICENSE_PKT.</summary>
    UnexpectedMessageType,

    /// <summary>The TS_SECURITY_HEADER says the PDU is encrypted (SEC_ENCRYPT); Standard RDP Security is the caller's job.</summary>
    Encrypted,
}
