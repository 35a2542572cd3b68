using TsThinLic.Diagnostics;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// The store's findings as the text views show them (show, license, probe): only those worth saying (damage, a clone,
/// ACL or write-filter attention), one line each with its mark; valid, superseded and empty records say nothing.
/// </summary>
internal static class StoreFindingView
{
    /// <summary>The findings worth a line.</summary>
    public static IReadOnlyList<StoreFinding> Worth(StoreVerification? verification)
        => verification?.Findings.Where(f => f.Kind is StoreFindingKind.Corrupt or StoreFindingKind.Clone or StoreFindingKind.Attention).ToList() ?? [];

    /// <summary>"  ✗ record: detail" (damage is a problem, the rest warnings).</summary>
    public static void Write(TextWriter output, TerminalStyle style, IEnumerable<StoreFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(findings);
        foreach (StoreFinding finding in findings)
        {
            DoctorVerdict verdict = finding.Kind == StoreFindingKind.Corrupt ? DoctorVerdict.Problem : DoctorVerdict.Warning;
            output.Write("  ");
            style.Write(output, TerminalStyle.ColorOf(verdict), style.Mark(verdict));
            output.WriteLine($" {TerminalText.Escape(finding.Record)}: {TerminalText.Escape(finding.Detail)}");
        }
    }
}
