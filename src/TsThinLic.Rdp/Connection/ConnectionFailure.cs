using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;

namespace TsThinLic.Rdp.Connection;

/// <summary>Why a connection attempt failed, in which phase, with the decode error or licensing failure behind it.</summary>
public sealed class ConnectionFailure
{
    public ConnectionFailure(ConnectionFailureReason reason, ConnectionPhase phase, string message, DecodeError? decodeError = null, LicensingFailure? licensing = null, NegotiationFailureCode? negotiationFailure = null, NlaFailure? nla = null, uint? errorInfo = null)
    {
        Nla = nla;
        ErrorInfo = errorInfo;
        Reason = reason;
        Phase = phase;
        Message = message;
        DecodeError = decodeError;
        Licensing = licensing;
        NegotiationFailure = negotiationFailure;
    }

    /// <summary>The kind of failure.</summary>
    public ConnectionFailureReason Reason { get; }

    /// <summary>The phase it happened in.</summary>
    public ConnectionPhase Phase { get; }

    /// <summary>What happened, for people.</summary>
    public string Message { get; }

    /// <summary>The decode error, for a malformed PDU.</summary>
    public DecodeError? DecodeError { get; }

    /// <summary>The licensing failure, for <see cref="ConnectionFailureReason.LicensingFailed"/>.</summary>
    public LicensingFailure? Licensing { get; }

    /// <summary>failureCode of RDP_NEG_FAILURE, for <see cref="ConnectionFailureReason.NegotiationFailed"/>.</summary>
    public NegotiationFailureCode? NegotiationFailure { get; }

    /// <summary>The CredSSP failure, for <see cref="ConnectionFailureReason.AuthenticationFailed"/>.</summary>
    public NlaFailure? Nla { get; }

    /// <summary>errorInfo of a Set Error Info PDU the server sent before it disconnected, if any.</summary>
    public uint? ErrorInfo { get; }

    public override string ToString() => $"{Reason} during {Phase}: {Message}";
}
