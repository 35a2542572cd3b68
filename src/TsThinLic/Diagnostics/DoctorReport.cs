using Microsoft.Extensions.Logging;

namespace TsThinLic.Diagnostics;

/// <summary>
/// Everything <c>tsthinlic doctor</c> found: each check in run order, healthy when none is a problem (warnings are
/// allowed: they need attention, not a failed run). Written through <see cref="IFieldWriter"/>, so the JSON a script
/// reads and the text a person reads say the same; logged one event per problem (event 700) and per warning (701).
/// </summary>
public sealed class DoctorReport
{
    public DoctorReport(IReadOnlyList<DoctorCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        Checks = checks.ToArray();
    }

    public IReadOnlyList<DoctorCheck> Checks { get; }

    /// <summary>No check is a problem.</summary>
    public bool IsHealthy => ProblemCount == 0;

    public int ProblemCount => Checks.Count(c => c.Verdict == DoctorVerdict.Problem);

    public int WarningCount => Checks.Count(c => c.Verdict == DoctorVerdict.Warning);

    /// <summary>
    /// <c>healthy</c>, <c>problems</c>, <c>warnings</c>, then <c>checks</c> (id, verdict, evidence, fix, serverEvents,
    /// wipeFixes, elapsedMs where measured) and <c>events</c>: what each server event the checks name means, and where
    /// that is documented.
    /// </summary>
    /// <param name="writer">Where the fields go.</param>
    /// <param name="commandText">How this front end writes each fix's command (see <see cref="DoctorCheck.FixText"/>).</param>
    public void Describe(IFieldWriter writer, Func<DoctorFixCommand, string> commandText)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(commandText);
        writer.WriteBoolean("healthy", IsHealthy);
        writer.WriteNumber("problems", ProblemCount);
        writer.WriteNumber("warnings", WarningCount);
        writer.StartArray("checks");
        foreach (DoctorCheck check in Checks)
        {
            writer.StartObjectElement();
            writer.WriteString("id", check.Id);
            writer.WriteString("verdict", VerdictName(check.Verdict));
            writer.WriteString("evidence", check.Evidence);
            writer.WriteString("fix", check.FixText(commandText));
            writer.StartArray("serverEvents");
            foreach (int id in check.ServerEvents)
            {
                writer.WriteNumberElement(id);
            }

            writer.EndArray();
            writer.WriteBoolean("wipeFixes", check.WipeFixes);
            if (check.ElapsedMilliseconds is { } elapsed)
            {
                writer.WriteNumber("elapsedMs", elapsed);
            }

            writer.EndObject();
        }

        writer.EndArray();
        writer.StartArray("events");
        foreach (ServerEvent serverEvent in ServerEvents.All)
        {
            if (!Checks.Any(c => c.ServerEvents.Contains(serverEvent.Id)))
            {
                continue;
            }

            writer.StartObjectElement();
            writer.WriteNumber("id", serverEvent.Id);
            writer.WriteString("source", serverEvent.Source);
            if (serverEvent.SymbolicName.Length > 0)
            {
                writer.WriteString("symbolicName", serverEvent.SymbolicName);
            }

            writer.WriteString("meaning", serverEvent.Meaning);
            writer.WriteString("reference", serverEvent.Reference);
            writer.EndObject();
        }

        writer.EndArray();
    }

    /// <summary>One event per problem (700, Warning) and per warning (701, Information), then a summary (702, Debug).</summary>
    public void Log(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        foreach (DoctorCheck check in Checks)
        {
            string events = check.ServerEvents.Count == 0 ? "none" : string.Join(", ", check.ServerEvents);
            if (check.Verdict == DoctorVerdict.Problem)
            {
                Logging.Log.DoctorProblem(logger, check.Id, check.Evidence, events);
            }
            else if (check.Verdict == DoctorVerdict.Warning)
            {
                Logging.Log.DoctorWarning(logger, check.Id, check.Evidence, events);
            }
        }

        Logging.Log.DoctorFinished(logger, ProblemCount, WarningCount, Checks.Count);
    }

    /// <summary>ok, warning, problem or skipped.</summary>
    public static string VerdictName(DoctorVerdict verdict) => verdict switch
    {
        DoctorVerdict.Ok => "ok",
        DoctorVerdict.Warning => "warning",
        DoctorVerdict.Problem => "problem",
        _ => "skipped",
    };
}
