namespace TsThinLic.Diagnostics;

/// <summary>
/// One check of <c>tsthinlic doctor</c>: its verdict, the evidence it rests on, the fix, the license-server events the
/// symptom causes on the RD Session Host (see <see cref="ServerEvents"/>), and whether wiping the client's store is the
/// right fix (the fix then names the command).
/// </summary>
/// <param name="Id">Stable check ID (<see cref="DoctorCheckIds"/>).</param>
/// <param name="Verdict">What the check concluded.</param>
/// <param name="Evidence">What was seen, in words. A HWID appears only as its fingerprint.</param>
/// <param name="Fix">
/// What to do; empty when nothing is needed. Where it names a command, the text holds <see cref="CommandPlaceholder"/>
/// and <see cref="FixCommand"/> says which: the command line is the front end's (<see cref="FixText"/>).
/// </param>
/// <param name="ServerEvents">Server event IDs the symptom causes or will cause (1000, 1003, 1004, 1011, 1028).</param>
/// <param name="WipeFixes">Whether wiping the store (or only its CALs, as <see cref="FixCommand"/> says) is the right fix.</param>
public sealed record DoctorCheck(string Id, DoctorVerdict Verdict, string Evidence, string Fix, IReadOnlyList<int> ServerEvents, bool WipeFixes)
{
    /// <summary>Where <see cref="Fix"/> names the command of <see cref="FixCommand"/>.</summary>
    public const string CommandPlaceholder = "{command}";

    /// <summary>The command the fix names, if any.</summary>
    public DoctorFixCommand FixCommand { get; init; }

    /// <summary>The fix, its command written as <paramref name="commandText"/> names it.</summary>
    public string FixText(Func<DoctorFixCommand, string> commandText)
    {
        ArgumentNullException.ThrowIfNull(commandText);
        return FixCommand == DoctorFixCommand.None ? Fix : Fix.Replace(CommandPlaceholder, commandText(FixCommand), StringComparison.Ordinal);
    }

    /// <summary>How long the check's probe took (the TCP connect of <see cref="DoctorCheckIds.ServerReachable"/>).</summary>
    public long? ElapsedMilliseconds { get; init; }

    /// <summary>A check that did not run, and why.</summary>
    public static DoctorCheck Skipped(string id, string why) => new(id, DoctorVerdict.Skipped, why, string.Empty, [], false);

    /// <summary>A check that found nothing wrong.</summary>
    public static DoctorCheck Ok(string id, string evidence) => new(id, DoctorVerdict.Ok, evidence, string.Empty, [], false);
}
