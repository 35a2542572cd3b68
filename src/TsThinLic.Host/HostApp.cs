using System.CommandLine;
using System.Security;
using System.Text;
using System.Text.Json;
using TsThinLic.Diagnostics;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// The <c>tsthinlic</c> command line: a thin front end over the library. Output goes to the writers it is given, so
/// tests run the real commands in-process; both are wrapped in <see cref="TerminalTextWriter"/>, so no text from
/// outside reaches a terminal raw. Every command's top level turns an I/O, permission or out-of-space failure (of a
/// store, an input, an output file, standard output itself) into exit 2 with the path and the system's words.
/// </summary>
internal static class HostApp
{
    /// <summary>Exit code: the command did what it was asked and all is well.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: the command ran and found a problem (a failed exchange).</summary>
    public const int ExitProblem = 1;

    /// <summary>Exit code: the command could not run (malformed input, unusable arguments).</summary>
    public const int ExitCannotRun = 2;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
        => RunAsync(args, TextReader.Null, output, error, DoctorEnvironment.System, cancellationToken);

    /// <param name="input">Where confirmations are read (wipe, hwid --regenerate, import); end of input answers no.</param>
    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
        => RunAsync(args, input, output, error, DoctorEnvironment.System, cancellationToken);

    /// <summary>Runs with the doctor's clock, connector and file inspector given (tests make them deterministic).</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, DoctorEnvironment doctor, CancellationToken cancellationToken)
        => RunAsync(args, TextReader.Null, output, error, doctor, cancellationToken);

    internal static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, DoctorEnvironment doctor, CancellationToken cancellationToken)
    {
        output = output as TerminalTextWriter ?? new TerminalTextWriter(output, "standard output");
        error = error as TerminalTextWriter ?? new TerminalTextWriter(error, "standard error");
        try
        {
            int exitCode = await InvokeAsync(args, input, output, error, doctor, cancellationToken).ConfigureAwait(false);
            output.Flush();
            return exitCode;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or LicenseStoreException or SecurityException)
        {
            // The environment refused something (a store, an input, an output file, stdout on a full disk): nothing more
            // can be done, and nothing half-done is left (stores and outputs commit whole or not at all).
            try
            {
                error.WriteLine($"tsthinlic: {OsErrorText.Explain(exception)}");
            }
            catch (IOException)
            {
                // Standard error refused too: the exit code is all that is left.
            }

            return ExitCannotRun;
        }
    }

    private static async Task<int> InvokeAsync(string[] args, TextReader input, TextWriter output, TextWriter error, DoctorEnvironment doctor, CancellationToken cancellationToken)
    {
        var root = new RootCommand("TsThinLic: the client side of RDP licensing ([MS-RDPELE]) for thin clients.");
        root.Options.Add(HostLogging.Verbose);
        root.Options.Add(HostLogging.Format);
        root.Options.Add(NoColor);
        root.Subcommands.Add(DecodeCommand.Create(output, error));
        root.Subcommands.Add(LicenseCommand.Create(input, output, error, doctor));
        root.Subcommands.Add(StoreCommand.Create(output, error));
        root.Subcommands.Add(ShowCommand.Create(output, error, doctor));
        root.Subcommands.Add(DoctorCommand.Create(output, error, doctor));
        root.Subcommands.Add(WipeCommand.Create(input, output, error));
        root.Subcommands.Add(HwidCommand.Create(input, output, error));
        root.Subcommands.Add(ExportCommand.Create(output, error));
        root.Subcommands.Add(ImportCommand.Create(input, output, error));
        root.Subcommands.Add(ProbeCommand.Create(input, output, error, doctor));
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(ReplayCommand.Create(output, error));
        root.Subcommands.Add(CaptureToTranscriptCommand.Create(output, error));
        root.Subcommands.Add(FleetCommand.Create(output, error, doctor));
        root.Subcommands.Add(CompletionCommand.Create(output));
        root.Subcommands.Add(CompletionCommand.CreateGenerator(output));
        CommandExamples.Apply(root);

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            // What to do: the command's own help, which ends with examples.
            string commandPath = string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Where(c => c is not RootCommand).Select(c => c.Name).Reverse().Append(parsed.CommandResult.Command is RootCommand ? string.Empty : parsed.CommandResult.Command.Name)).Trim();
            await error.WriteLineAsync($"Try 'tsthinlic {(commandPath.Length > 0 ? commandPath + " " : string.Empty)}--help' for its options and examples.").ConfigureAwait(false);
            return ExitCannotRun;
        }

        // Exceptions come back here (not System.CommandLine's handler, which prints a stack trace and exits 1).
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>--no-color: no SGR colour even on a terminal (as NO_COLOR does).</summary>
    public static Option<bool> NoColor { get; } = new("--no-color") { Description = "Never colour the output (NO_COLOR set does the same).", Recursive = true };

    /// <summary>The style the text views use: the environment's when a test gives one, else detected; --no-color wins.</summary>
    internal static TerminalStyle StyleFor(ParseResult parseResult, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        bool noColor = parseResult.GetValue(NoColor);
        TerminalStyle style = environment.Terminal ?? TerminalStyle.Detect(noColor, Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
        return noColor ? style with { Color = false } : style;
    }

    /// <summary>
    /// Writes one description as an indented JSON object or as "name: value" lines: every command's output goes
    /// through here, so the two forms never drift apart.
    /// </summary>
    public static void WriteFields(TextWriter output, bool json, Action<IFieldWriter> describe)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(describe);
        if (!json)
        {
            describe(new TextFieldWriter(output));
            return;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            describe(new JsonFieldWriter(writer));
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
