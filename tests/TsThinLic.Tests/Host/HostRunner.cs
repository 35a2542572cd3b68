using TsThinLic.Host;

namespace TsThinLic.Tests.Host;

/// <summary>Runs a real <c>tsthinlic</c> command in-process and captures what it printed.</summary>
internal static class HostRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(DoctorEnvironment.System, args);

    /// <summary>Runs with the doctor's clock, TCP connector and file inspector given.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(DoctorEnvironment doctor, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await HostApp.RunAsync(args, output, error, doctor, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that may ask for confirmation, answering with <paramref name="input"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        using var reader = new StringReader(input);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await HostApp.RunAsync(args, reader, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
