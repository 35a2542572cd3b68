namespace TsThinLic.Pdu;

/// <summary>The outcome of framing or decoding a licensing PDU from a pipe buffer.</summary>
public enum DecodeStatus
{
    /// <summary>A whole PDU was there and is framed or decoded.</summary>
    Complete,

    /// <summary>The buffer holds only part of a PDU; read more and try again.</summary>
    NeedMoreData,

    /// <summary>The data can never become a valid PDU; the error says which field is wrong.</summary>
    Invalid,
}
