using System.CommandLine;
using System.Text;

namespace TsThinLic.Host;

/// <summary>
/// Shell completion scripts for bash, zsh and fish, written from the command tree (<see cref="CommandTree"/>), so a
/// new command or option completes without anyone editing a script: subcommands at each level, each command's
/// options, the values of an option that takes only a few (--security tls|rdp|auto), file names elsewhere.
/// </summary>
internal static class ShellCompletion
{
    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    public static string Write(Command root, string shell) => shell switch
    {
        "bash" => Bash(root),
        "zsh" => Zsh(root),
        "fish" => Fish(root),
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };

    /// <summary>The file each shell looks in (bash-completion, zsh's fpath, fish's completions directory).</summary>
    public static string FileName(string shell) => shell switch
    {
        "bash" => "tsthinlic.bash",
        "zsh" => "_tsthinlic",
        _ => "tsthinlic.fish",
    };

    private static string Bash(Command root)
    {
        var script = new StringBuilder();
        script.Append("# bash completion for tsthinlic, generated from its command tree at build time.\n");
        script.Append("_tsthinlic()\n{\n    local cur prev path w i\n    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n    path=\"\"\n");
        script.Append("    for ((i = 1; i < COMP_CWORD; i++)); do\n        w=\"${COMP_WORDS[i]}\"\n        case \"$path $w\" in\n");
        foreach ((string path, _) in CommandTree.Walk(root))
        {
            script.Append("            \"").Append(ParentOf(path)).Append(' ').Append(LastOf(path)).Append("\") path=\"").Append(path).Append("\" ;;\n");
        }

        script.Append("        esac\n    done\n    case \"$prev\" in\n");
        foreach (Option option in AllOptions(root).Where(o => CommandTree.Values(o).Count > 0).DistinctBy(o => o.Name))
        {
            script.Append("        ").Append(option.Name).Append(") COMPREPLY=($(compgen -W \"").Append(string.Join(' ', CommandTree.Values(option))).Append("\" -- \"$cur\")); return ;;\n");
        }

        string valued = string.Join('|', AllOptions(root).Where(o => CommandTree.TakesValue(o) && CommandTree.Values(o).Count == 0).Select(o => o.Name).Distinct());
        if (valued.Length > 0)
        {
            script.Append("        ").Append(valued).Append(") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n");
        }

        script.Append("    esac\n    local words\n    case \"$path\" in\n");
        script.Append("        \"\") words=\"").Append(Words(root, root)).Append("\" ;;\n");
        foreach ((string path, Command command) in CommandTree.Walk(root))
        {
            script.Append("        \"").Append(path).Append("\") words=\"").Append(Words(root, command)).Append("\" ;;\n");
        }

        script.Append("    esac\n    if [[ \"$cur\" == -* || -z \"$path\" ]]; then\n        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n    else\n        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n    fi\n}\n");
        script.Append("complete -o filenames -F _tsthinlic tsthinlic\n");
        return script.ToString();
    }

    private static string Zsh(Command root)
    {
        var script = new StringBuilder();
        script.Append("#compdef tsthinlic\n# zsh completion for tsthinlic, generated from its command tree at build time.\n\n_tsthinlic() {\n    local -a path_words\n    local i w p=\"\"\n");
        script.Append("    for ((i = 2; i < CURRENT; i++)); do\n        w=${words[i]}\n        case \"$p $w\" in\n");
        foreach ((string path, _) in CommandTree.Walk(root))
        {
            script.Append("            (\"").Append(ParentOf(path)).Append(' ').Append(LastOf(path)).Append("\") p=\"").Append(path).Append("\" ;;\n");
        }

        script.Append("        esac\n    done\n    case \"$p\" in\n");
        foreach ((string path, Command command) in CommandTree.Walk(root).Prepend((string.Empty, root)))
        {
            script.Append("        (\"").Append(path).Append("\")\n            _arguments -s");
            foreach (Option option in CommandTree.Options(root, command))
            {
                script.Append(" \\\n                '").Append(option.Name).Append('[').Append(ZshText(CommandTree.Describe(option))).Append(']');
                if (CommandTree.TakesValue(option))
                {
                    IReadOnlyList<string> values = CommandTree.Values(option);
                    script.Append(':').Append(option.Name.TrimStart('-')).Append(':').Append(values.Count > 0 ? $"({string.Join(' ', values)})" : "_files");
                }

                script.Append('\'');
            }

            var children = command.Subcommands.Where(c => !c.Hidden).ToList();
            if (children.Count > 0)
            {
                script.Append(" \\\n                '*::command:((");
                script.Append(string.Join(' ', children.Select(c => $"{c.Name}\\:\"{ZshText(CommandTree.FirstLine(CommandExamples.Summary(c))).Replace("\"", string.Empty, StringComparison.Ordinal)}\"")));
                script.Append("))'");
            }
            else
            {
                script.Append(" \\\n                '*:file:_files'");
            }

            script.Append(" ;;\n");
        }

        script.Append("    esac\n}\n\n_tsthinlic \"$@\"\n");
        return script.ToString();
    }

    private static string Fish(Command root)
    {
        var script = new StringBuilder();
        script.Append("# fish completion for tsthinlic, generated from its command tree at build time.\n");
        script.Append("complete -c tsthinlic -f\n");
        var top = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        foreach ((string path, Command command) in CommandTree.Walk(root))
        {
            string parent = ParentOf(path);
            string condition = parent.Length == 0
                ? "__fish_use_subcommand"
                : $"__fish_seen_subcommand_from {parent}; and not __fish_seen_subcommand_from {string.Join(' ', command.Parents.OfType<Command>().First().Subcommands.Select(c => c.Name))}";
            script.Append("complete -c tsthinlic -n '").Append(condition).Append("' -a ").Append(command.Name).Append(" -d '").Append(FishText(CommandTree.FirstLine(CommandExamples.Summary(command)))).Append("'\n");
            foreach (Option option in CommandTree.Options(root, command))
            {
                script.Append("complete -c tsthinlic -n '__fish_seen_subcommand_from ").Append(LastOf(path)).Append("' -l ").Append(option.Name.TrimStart('-'));
                if (CommandTree.TakesValue(option))
                {
                    IReadOnlyList<string> values = CommandTree.Values(option);
                    script.Append(values.Count > 0 ? $" -x -a '{string.Join(' ', values)}'" : " -r -F");
                }

                script.Append(" -d '").Append(FishText(CommandTree.Describe(option))).Append("'\n");
            }

            if (command.Arguments.Count > 0)
            {
                script.Append("complete -c tsthinlic -n '__fish_seen_subcommand_from ").Append(LastOf(path)).Append("' -F\n");
            }
        }

        foreach (Option option in root.Options.Where(o => !o.Hidden && o.Name is not "--help" and not "--version"))
        {
            script.Append("complete -c tsthinlic -l ").Append(option.Name.TrimStart('-')).Append(CommandTree.TakesValue(option) && CommandTree.Values(option) is { Count: > 0 } values ? $" -x -a '{string.Join(' ', values)}'" : string.Empty)
                .Append(" -d '").Append(FishText(CommandTree.Describe(option))).Append("'\n");
        }

        _ = top;
        return script.ToString();
    }

    private static IEnumerable<Option> AllOptions(Command root)
        => CommandTree.Walk(root).SelectMany(c => CommandTree.Options(root, c.Command)).Concat(root.Options.Where(o => !o.Hidden));

    private static string Words(Command root, Command command)
        => string.Join(' ', command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).Concat(CommandTree.Options(root, command).Select(o => o.Name)).Append("--help"));

    private static string ParentOf(string path) => path.LastIndexOf(' ') is var i && i >= 0 ? path[..i] : string.Empty;

    private static string LastOf(string path) => path[(path.LastIndexOf(' ') + 1)..];

    private static string ZshText(string text) => text.Replace("'", "'\\''", StringComparison.Ordinal).Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);

    private static string FishText(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
