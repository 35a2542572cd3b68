using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TsThinLic.Tests.Host;

/// <summary>
/// Runs the built host (<c>TsThinLic.Host.dll</c>, beside the tests) as a real process: for what only separate
/// processes show (the store's lock between them) and for running as another account (setpriv(1), when the tests run
/// as root, as CI does).
/// </summary>
internal static partial class HostProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "TsThinLic.Host.dll");

    public static bool EffectiveUserIsRoot => !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;

    public static Task<Result> RunAsync(params string[] args) => StartAsync(DotNet, [HostDll, .. args]);

    /// <summary>The host as nobody (uid and gid 65534, no supplementary groups).</summary>
    public static Task<Result> RunAsNobodyAsync(params string[] args)
        => StartAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", DotNet, HostDll, .. args]);

    private static string DotNet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static async Task<Result> StartAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {s_timeout}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }
}
