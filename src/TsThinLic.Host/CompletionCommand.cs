using System.CommandLine;
using System.Reflection;
using System.Text;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic completion bash|zsh|fish</c> prints a completion script (<see cref="ShellCompletion"/>); the hidden
/// <c>tsthinlic generate-docs DIR</c> writes all three and the man page <c>tsthinlic.1</c> (<see cref="ManPage"/>):
/// the build runs it so both ship beside the binary (TsThinLic.Host.csproj, GenerateShellDocs).
/// </summary>
internal static class CompletionCommand
{
    public static Command Create(TextWriter output)
    {
        var shellArgument = new Argument<string>("shell") { Description = "bash, zsh or fish." };
        shellArgument.AcceptOnlyFromAmong(ShellCompletion.Shells);
        var command = new Command("completion", "Print the shell completion script for bash, zsh or fish.");
        command.Arguments.Add(shellArgument);
        command.SetAction(parseResult =>
        {
            output.Write(ShellCompletion.Write(parseResult.RootCommandResult.Command, parseResult.GetValue(shellArgument)!));
            return HostApp.ExitOk;
        });
        return command;
    }

    /// <summary>The build's generator: completion scripts under DIR/completions, the man page as DIR/man/man1/tsthinlic.1.</summary>
    public static Command CreateGenerator(TextWriter output)
    {
        var directoryArgument = new Argument<string>("directory") { Description = "Where to write completions/ and man/man1/." };
        var command = new Command("generate-docs", "Write the completion scripts and the man page (run by the build).") { Hidden = true };
        command.Arguments.Add(directoryArgument);
        command.SetAction(parseResult =>
        {
            Command root = parseResult.RootCommandResult.Command;
            string directory = parseResult.GetValue(directoryArgument)!;
            foreach (string shell in ShellCompletion.Shells)
            {
                Write(Path.Combine(directory, "completions", ShellCompletion.FileName(shell)), ShellCompletion.Write(root, shell));
            }

            string version = typeof(CompletionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
            Write(Path.Combine(directory, "man", "man1", "tsthinlic.1"), ManPage.Write(root, version.Split('+')[0]));
            output.WriteLine($"wrote the completion scripts and the man page under {directory}");
            return HostApp.ExitOk;
        });
        return command;
    }

    private static void Write(string path, string text)
    {
        // Build output, shipped readable by all (0644 by the umask), unlike a store's 0600 files.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"), new UTF8Encoding(false));
    }
}
