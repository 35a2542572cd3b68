namespace TsThinLic.Rdp.Ntlm;

/// <summary>[MS-NLMP 2.2] MessageType of the three authentication messages.</summary>
public enum NtlmMessageType : uint
{
    /// <summary>NtLmNegotiate.</summary>
    Negotiate = 1,

    /// <summary>NtLmChallenge.</summary>
    Challenge = 2,

    /// <summary>NtLmAuthenticate.</summary>
    Authenticate = 3,
}
