using TsThinLic.Diagnostics;
namespace TsThinLic.Host;

/// <summary>
/// How the views may dress their text: colour (SGR sequences) and marks (✓ ! ✗ –) only when standard output is a
/// terminal, never with <c>NO_COLOR</c> set or <c>--no-color</c> given (https://no-color.org), and Unicode only when the
/// locale says UTF-8; otherwise plain ASCII words (<c>[ok]</c>, <c>[warn]</c>, <c>[FAIL]</c>, <c>[skip]</c>) that a
/// log file, a pipe or a serial console shows as they are.
/// </summary>
/// <param name="Terminal">Standard output is a terminal: marks instead of bracketed words.</param>
/// <param name="Unicode">The locale is UTF-8: ✓, →, box drawing; else ASCII.</param>
/// <param name="Color">SGR colour may be written (a terminal, no NO_COLOR, no --no-color, TERM is not "dumb").</param>
internal sealed record TerminalStyle(bool Terminal, bool Unicode, bool Color)
{
    /// <summary>Plain ASCII, no colour: what a pipe, a file or a test without a terminal gets.</summary>
    public static TerminalStyle Plain { get; } = new(false, false, false);

    /// <summary>SGR: bold.</summary>
    public const string Bold = "1";

    /// <summary>SGR: dim (the timeline's past, secondary facts).</summary>
    public const string Dim = "2";

    /// <summary>SGR: green foreground (ok).</summary>
    public const string Green = "32";

    /// <summary>SGR: yellow foreground (warning).</summary>
    public const string Yellow = "33";

    /// <summary>SGR: red foreground (problem).</summary>
    public const string Red = "31";

    /// <summary>SGR: cyan foreground (a command to type).</summary>
    public const string Cyan = "36";

    /// <summary>
    /// Decides from the process: whether standard output is redirected, <c>NO_COLOR</c>, <c>TERM</c> and the locale
    /// (<c>LC_ALL</c>, then <c>LC_CTYPE</c>, then <c>LANG</c>, as POSIX orders them).
    /// </summary>
    public static TerminalStyle Detect(bool noColorOption, Func<string, string?> environment, bool outputIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string locale = First(environment("LC_ALL"), environment("LC_CTYPE"), environment("LANG"));
        bool unicode = locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("utf8", StringComparison.OrdinalIgnoreCase);
        bool color = outputIsTerminal
            && !noColorOption
            && string.IsNullOrEmpty(environment("NO_COLOR"))
            && !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal);
        return new TerminalStyle(outputIsTerminal, unicode && outputIsTerminal, color);
    }

    /// <summary>The mark of a verdict: ✓ ! ✗ – on a UTF-8 terminal, ok/!!/XX/-- on another terminal, bracketed words elsewhere.</summary>
    public string Mark(Diagnostics.DoctorVerdict verdict) => (Terminal, Unicode, verdict) switch
    {
        (true, true, Diagnostics.DoctorVerdict.Ok) => "✓",
        (true, true, Diagnostics.DoctorVerdict.Warning) => "!",
        (true, true, Diagnostics.DoctorVerdict.Problem) => "✗",
        (true, true, _) => "–",
        (_, _, Diagnostics.DoctorVerdict.Ok) => "[ok]  ",
        (_, _, Diagnostics.DoctorVerdict.Warning) => "[warn]",
        (_, _, Diagnostics.DoctorVerdict.Problem) => "[FAIL]",
        _ => "[skip]",
    };

    /// <summary>The colour of a verdict's mark.</summary>
    public static string ColorOf(Diagnostics.DoctorVerdict verdict) => verdict switch
    {
        Diagnostics.DoctorVerdict.Ok => Green,
        Diagnostics.DoctorVerdict.Warning => Yellow,
        Diagnostics.DoctorVerdict.Problem => Red,
        _ => Dim,
    };

    /// <summary>"→" or "->".</summary>
    public string Arrow => Unicode ? "→" : "->";

    /// <summary>
    /// Writes <paramref name="text"/> (the view's own words or text already passed through <see cref="TerminalText.Escape"/>)
    /// in the SGR style <paramref name="sgr"/> when colour is on; the sequences go around the escaping on purpose
    /// (<see cref="TerminalTextWriter.WriteStyle"/>), the text through it.
    /// </summary>
    public void Write(TextWriter writer, string sgr, string text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Color && writer is TerminalTextWriter terminal)
        {
            terminal.WriteStyle(sgr);
            writer.Write(text);
            terminal.WriteStyle(TerminalTextWriter.Reset);
            return;
        }

        writer.Write(text);
    }

    private static string First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? string.Empty;
}
