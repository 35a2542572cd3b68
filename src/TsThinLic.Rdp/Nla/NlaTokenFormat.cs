namespace TsThinLic.Rdp.Nla;

/// <summary>How CredSSP's negoTokens carry NTLM: some servers want one, some the other.</summary>
public enum NlaTokenFormat
{
    /// <summary>The NTLM messages as they are (what FreeRDP sends when NTLM is its only mechanism); tried first, as mstsc does.</summary>
    RawNtlm,

    /// <summary>NTLM inside SPNEGO (RFC 4178) NegTokenInit / NegTokenResp, with the mechListMIC.</summary>
    Spnego,
}
