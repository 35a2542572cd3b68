using System.Diagnostics;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// The completion scripts and the man page the build generates (<c>tsthinlic generate-docs</c>, run by the host's
/// GenerateShellDocs target): bash loads the script and completes from it, <c>man -l</c> renders the page without
/// warnings, and every command has examples in its --help.
/// </summary>
public sealed class ShellDocsTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> GenerateAsync()
    {
        var (exit, _, error) = await HostRunner.RunAsync("generate-docs", _directory);
        Assert.True(exit == 0, error);
        return _directory;
    }

    private static (int ExitCode, string Output, string Error) Run(string file, string script, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{file} did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public async Task TheBashScriptLoadsAndCompletesCommandsOptionsAndValues()
    {
        string script = Path.Combine(await GenerateAsync(), "completions", "tsthinlic.bash");
        string complete(string words, int cword) => Run("bash", $"source '{script}'; COMP_WORDS=({words}); COMP_CWORD={cword}; _tsthinlic; printf '%s\\n' \"${{COMPREPLY[@]}}\"").Output;

        var (exit, loaded, error) = Run("bash", $"source '{script}' && complete -p tsthinlic");
        Assert.True(exit == 0, error);
        Assert.Contains("-F _tsthinlic tsthinlic", loaded, StringComparison.Ordinal);
        Assert.Contains("fleet", complete("tsthinlic f ''", 1).Split('\n'));
        Assert.Equal(["--advanced"], complete("tsthinlic show --adv", 2).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["auto", "nla", "rdp", "tls"], complete("tsthinlic probe --security ''", 3).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Contains("verify", complete("tsthinlic store v", 2).Split('\n'));
        Assert.Contains("--licenses-only", complete("tsthinlic store wipe --l", 3).Split('\n'));
    }

    [Fact]
    public async Task TheZshAndFishScriptsAreWellFormedWhereThoseShellsExist()
    {
        string directory = await GenerateAsync();
        string zsh = File.ReadAllText(Path.Combine(directory, "completions", "_tsthinlic"));
        string fish = File.ReadAllText(Path.Combine(directory, "completions", "tsthinlic.fish"));
        Assert.StartsWith("#compdef tsthinlic", zsh, StringComparison.Ordinal);
        Assert.Contains("--security[", zsh, StringComparison.Ordinal);
        Assert.Contains("complete -c tsthinlic -n '__fish_use_subcommand' -a fleet", fish, StringComparison.Ordinal);
        Assert.Matches("-l security -x -a '(tls|rdp|nla|auto) (tls|rdp|nla|auto) (tls|rdp|nla|auto) (tls|rdp|nla|auto)'", fish);
        foreach ((string shell, string file) in new[] { ("zsh", "_tsthinlic"), ("fish", "tsthinlic.fish") })
        {
            if (File.Exists($"/usr/bin/{shell}"))
            {
                var (exit, _, error) = Run(shell, $"{shell} -n '{Path.Combine(directory, "completions", file)}'");
                Assert.True(exit == 0, error);
            }
        }
    }

    [Fact]
    public async Task ManRendersThePageWithoutWarnings()
    {
        string page = Path.Combine(await GenerateAsync(), "man", "man1", "tsthinlic.1");
        var (exit, output, error) = Run("sh", $"man --warnings -l '{page}'", ("MANPAGER", "cat"), ("MANWIDTH", "100"), ("LANG", "C.UTF-8"));

        Assert.True(exit == 0, error);
        Assert.Equal(string.Empty, error.Trim());
        Assert.Contains("TSTHINLIC(1)", output, StringComparison.Ordinal);
        foreach (string section in new[] { "NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "tsthinlic fleet REPORTS...", "tsthinlic store verify", "--no-color", "NO_COLOR" })
        {
            Assert.Contains(section, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("show")]
    [InlineData("doctor")]
    [InlineData("license")]
    [InlineData("probe")]
    [InlineData("fleet")]
    [InlineData("wipe")]
    [InlineData("hwid")]
    [InlineData("export")]
    [InlineData("import")]
    [InlineData("decode")]
    [InlineData("replay")]
    [InlineData("capture-to-transcript")]
    [InlineData("store")]
    [InlineData("completion")]
    public async Task EveryCommandsHelpEndsWithExamples(string command)
    {
        var (exit, output, _) = await HostRunner.RunAsync(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains($"tsthinlic {command}", output, StringComparison.Ordinal);
    }
}
