using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Licensing;

/// <summary>What one call of <see cref="LicensingClient.Step(ReadOnlySpan{byte}, System.Buffers.IBufferWriter{byte})"/> did.</summary>
public sealed class LicensingStepResult
{
    internal LicensingStepResult(
        LicensingStatus status,
        int bytesWritten,
        LicensingMessageType? sent,
        LicensingOutcome? outcome = null,
        NewLicenseInfo? license = null,
        LicenseKey? supersedes = null,
        LicensingFailure? failure = null)
    {
        Status = status;
        BytesWritten = bytesWritten;
        Sent = sent;
        Outcome = outcome;
        License = license;
        Supersedes = supersedes;
        Failure = failure;
    }

    public LicensingStatus Status { get; }

    /// <summary>How many bytes of reply the client wrote into the caller's buffer (0 when it sends nothing).</summary>
    public int BytesWritten { get; }

    /// <summary>The message the client wrote, if any (its reply, a resend, or an error alert).</summary>
    public LicensingMessageType? Sent { get; }

    /// <summary>On <see cref="LicensingStatus.Completed"/>: how it ended.</summary>
    public LicensingOutcome? Outcome { get; }

    /// <summary>
    /// On <see cref="LicensingOutcome.LicenseIssued"/> or <see cref="LicensingOutcome.LicenseUpgraded"/>: the decrypted,
    /// MAC-verified NEW_LICENSE_INFO whose license the caller persists.
    /// </summary>
    public NewLicenseInfo? License { get; }

    /// <summary>
    /// On an upgrade whose key differs from the CAL the client presented: that CAL's key, which the new one replaces.
    /// </summary>
    public LicenseKey? Supersedes { get; }

    /// <summary>On <see cref="LicensingStatus.Failed"/>: why.</summary>
    public LicensingFailure? Failure { get; }
}
