using TsThinLic.Host;

namespace TsThinLic.Tests.Host;

/// <summary>Runs a real <c>tsthinlic</c> command in-process and captures what it printed.</summary>
internal static class HostRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await HostApp.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
