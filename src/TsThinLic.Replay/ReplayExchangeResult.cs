namespace TsThinLic.Replay;

/// <summary>The verdict on one exchange.</summary>
public sealed class ReplayExchangeResult
{
    public ReplayExchangeResult(ReplayExchange exchange, ReplayVerdict verdict, string comparison, string outcome, IReadOnlyList<ReplayPduResult> pdus, IReadOnlyList<string> problems)
    {
        Exchange = exchange;
        Verdict = verdict;
        Comparison = comparison;
        Outcome = outcome;
        Pdus = pdus;
        Problems = problems;
    }

    public ReplayExchange Exchange { get; }

    public ReplayVerdict Verdict { get; }

    /// <summary>"byte-exact" (secrets known) or "field-by-field".</summary>
    public string Comparison { get; }

    /// <summary>How our client ended (valid-client, license-issued, license-upgraded, failed: why, or still waiting).</summary>
    public string Outcome { get; }

    public IReadOnlyList<ReplayPduResult> Pdus { get; }

    /// <summary>Exchange-level failures (an outcome other than the captured one).</summary>
    public IReadOnlyList<string> Problems { get; }
}
