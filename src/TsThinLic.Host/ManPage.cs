using System.CommandLine;
using System.Text;

namespace TsThinLic.Host;

/// <summary>
/// The man page <c>tsthinlic.1</c> in roff (man(7) macros), written from the command tree: NAME, SYNOPSIS,
/// DESCRIPTION, one COMMANDS subsection per command with its options and examples, EXIT STATUS, ENVIRONMENT.
/// Text is escaped for roff: a backslash doubled, a leading '.' or '\'' guarded, hyphens of options as \-.
/// </summary>
internal static class ManPage
{
    public static string Write(Command root, string version)
    {
        ArgumentNullException.ThrowIfNull(root);
        var page = new StringBuilder();
        page.Append(".\\\" Generated from the tsthinlic command tree at build time; edit the commands, not this file.\n");
        page.Append(".TH TSTHINLIC 1 \"\" \"tsthinlic ").Append(Roff(version)).Append("\" \"User Commands\"\n");
        page.Append(".SH NAME\ntsthinlic \\- the client side of RDP licensing for thin clients\n");
        page.Append(".SH SYNOPSIS\n.B tsthinlic\n.I command\n[\\fIoptions\\fR]\n");
        page.Append(".SH DESCRIPTION\n").Append(Roff(CommandExamples.Summary(root))).Append('\n');
        page.Append(".PP\nA field tool for the licensing of Remote Desktop clients ([MS\\-RDPELE]): it obtains and keeps the device's CAL, shows the store as TSCTST did, checks a device with a checklist, probes an RD server through licensing, and finds clones and expiring CALs across a fleet.\n");
        page.Append(".SH GLOBAL OPTIONS\n");
        foreach (Option option in root.Options.Where(o => !o.Hidden && o.Name is not "--help" and not "--version"))
        {
            Option(page, option);
        }

        page.Append(".SH COMMANDS\n");
        foreach ((string path, Command command) in CommandTree.Walk(root))
        {
            page.Append(".SS \"tsthinlic ").Append(Roff(path));
            foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
            {
                page.Append(' ').Append(argument.Arity.MaximumNumberOfValues > 1 ? $"{Roff(argument.Name.ToUpperInvariant())}..." : Roff(argument.Name.ToUpperInvariant()));
            }

            page.Append("\"\n").Append(Roff(CommandExamples.Summary(command))).Append('\n');
            foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
            {
                page.Append(".TP\n.I ").Append(Roff(argument.Name.ToUpperInvariant())).Append('\n').Append(Roff(CommandTree.FirstLine(argument.Description))).Append('\n');
            }

            foreach (Option option in command.Options.Where(o => !o.Hidden && o.Name != "--help"))
            {
                Option(page, option);
            }

            if (CommandExamples.All.TryGetValue(path, out (string Line, string Does)[]? examples))
            {
                page.Append(".PP\nExamples:\n");
                foreach ((string line, string does) in examples)
                {
                    page.Append(".RS\n.nf\n").Append(Roff(line)).Append("\n.fi\n").Append(Roff(does)).Append("\n.RE\n");
                }
            }
        }

        page.Append(".SH EXIT STATUS\n.TP\n.B 0\nThe command did what it was asked and all is well.\n.TP\n.B 1\nThe command ran and found a problem (a failed exchange, a damaged store, a doctor problem, a fleet finding).\n.TP\n.B 2\nThe command could not run: unusable arguments, an input or store that cannot be read, an output that cannot be written.\n");
        page.Append(".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set and not empty, no colour is written (as \\fB\\-\\-no\\-color\\fR). Colour and marks are written only to a terminal; plain ASCII when the output is not a terminal or the locale (LC_ALL, LC_CTYPE, LANG) is not UTF\\-8.\n");
        page.Append(".SH SEE ALSO\n[MS\\-RDPELE] Remote Desktop Protocol: Licensing Extension; [MS\\-RDPBCGR] 2.2.1.12.\n");
        return page.ToString();
    }

    private static void Option(StringBuilder page, Option option)
    {
        page.Append(".TP\n.B ").Append(Roff(option.Name));
        if (CommandTree.TakesValue(option))
        {
            IReadOnlyList<string> values = CommandTree.Values(option);
            page.Append(' ').Append(values.Count > 0 ? string.Join('|', values.Select(Roff)) : "\\fIVALUE\\fR");
        }

        page.Append('\n').Append(Roff(option.Description ?? string.Empty)).Append('\n');
    }

    /// <summary>Text made safe for roff: backslashes doubled, hyphens as \-, a line that would start a request guarded.</summary>
    public static string Roff(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal).Split('\n');
        return string.Join('\n', lines.Select(l => l.TrimEnd('\r')).Select(l => l.StartsWith('.') || l.StartsWith('\'') ? "\\&" + l : l));
    }
}
