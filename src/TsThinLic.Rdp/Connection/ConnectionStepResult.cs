using TsThinLic.Licensing;

namespace TsThinLic.Rdp.Connection;

/// <summary>The result of one step of <see cref="RdpConnectionSequence"/>.</summary>
public sealed class ConnectionStepResult
{
    internal ConnectionStepResult(ConnectionStatus status, int bytesWritten, ConnectionFailure? failure = null, LicensingStepResult? licensing = null, ServerVerdict? verdict = null)
    {
        Verdict = verdict;
        Status = status;
        BytesWritten = bytesWritten;
        Failure = failure;
        Licensing = licensing;
    }

    /// <summary>What the caller does next.</summary>
    public ConnectionStatus Status { get; }

    /// <summary>Bytes written to the output (whole TPKT packets) in this step.</summary>
    public int BytesWritten { get; }

    /// <summary>Why the attempt failed, when <see cref="Status"/> is <see cref="ConnectionStatus.Failed"/>.</summary>
    public ConnectionFailure? Failure { get; }

    /// <summary>The server's verdict after licensing, when this step ended the wait for it.</summary>
    public ServerVerdict? Verdict { get; }

    /// <summary>The licensing client's step result, when this step handed it a licensing PDU.</summary>
    public LicensingStepResult? Licensing { get; }
}
