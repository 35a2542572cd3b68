namespace TsThinLic.Rdp.Nla;

/// <summary>The result of one step of <see cref="CredSspClient"/>.</summary>
public sealed class CredSspStepResult
{
    internal CredSspStepResult(CredSspStatus status, int bytesWritten, NlaFailure? failure = null)
    {
        Status = status;
        BytesWritten = bytesWritten;
        Failure = failure;
    }

    public CredSspStatus Status { get; }

    /// <summary>Bytes of TSRequest written to the output in this step.</summary>
    public int BytesWritten { get; }

    /// <summary>Why it failed, when it did.</summary>
    public NlaFailure? Failure { get; }
}
