using System.CommandLine;
using System.CommandLine.Completions;

namespace TsThinLic.Host;

/// <summary>The command tree as the completion scripts and the man page read it: visible commands, their options and the values an option takes.</summary>
internal static class CommandTree
{
    /// <summary>Every visible subcommand, depth first, with its path ("store verify"); the root is not included.</summary>
    public static IEnumerable<(string Path, Command Command)> Walk(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Walk(root, string.Empty);
    }

    private static IEnumerable<(string, Command)> Walk(Command parent, string prefix)
    {
        foreach (Command command in parent.Subcommands.Where(c => !c.Hidden))
        {
            string path = prefix.Length == 0 ? command.Name : $"{prefix} {command.Name}";
            yield return (path, command);
            foreach ((string, Command) child in Walk(command, path))
            {
                yield return child;
            }
        }
    }

    /// <summary>The options a command takes: its own and the root's recursive ones (--verbose, --log-format, --no-color), --help last.</summary>
    public static IReadOnlyList<Option> Options(Command root, Command command)
        => [.. command.Options.Where(o => !o.Hidden && o.Name != "--help" && o.Name != "--version"),
            .. (ReferenceEquals(root, command) ? [] : root.Options.Where(o => o.Recursive && !o.Hidden && !command.Options.Contains(o)))];

    /// <summary>Whether an option takes a value (every option but a flag).</summary>
    public static bool TakesValue(Option option) => option.ValueType != typeof(bool);

    /// <summary>The values an option is restricted to (AcceptOnlyFromAmong), or none.</summary>
    public static IReadOnlyList<string> Values(Option option)
        => TakesValue(option) ? [.. option.GetCompletions(CompletionContext.Empty).Select(c => c.Label)] : [];

    /// <summary>The option's first line of description.</summary>
    public static string Describe(Option option) => FirstLine(option.Description);

    public static string FirstLine(string? text)
    {
        string value = text ?? string.Empty;
        int end = value.IndexOfAny(['\r', '\n']);
        return end < 0 ? value : value[..end];
    }
}
