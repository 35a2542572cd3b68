namespace TsThinLic.Rdp.Nla;

/// <summary>[RFC 4178 4.2.2] negState of NegTokenResp.</summary>
public enum SpnegoNegState
{
    /// <summary>accept-completed.</summary>
    AcceptCompleted = 0,

    /// <summary>accept-incomplete.</summary>
    AcceptIncomplete = 1,

    /// <summary>reject.</summary>
    Reject = 2,

    /// <summary>request-mic.</summary>
    RequestMic = 3,
}
