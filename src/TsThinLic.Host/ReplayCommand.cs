using System.CommandLine;
using System.Text;
using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic replay FILE... [--json] [--junit OUT.xml] [--keylog F] [--server-key F] [--license-key F]</c>: replays
/// every licensing exchange of pcap, pcapng and transcript files (or folders of them) against our client and prints a
/// per-PDU verdict table (or JSON), decrypting TLS and Standard RDP Security captures first when given their keys. Exit code
/// 0 only when every exchange passed; 1 when one failed, was unsupported or a file could not be read wholly; 2 when
/// no input could be read at all.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var filesArgument = new Argument<string[]>("files") { Description = "pcap, pcapng or transcript files, or folders of them.", Arity = ArgumentArity.OneOrMore };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON instead of the table." };
        var junitOption = new Option<string?>("--junit") { Description = "Also write JUnit XML to this file." };
        var command = new Command("replay", "Replay captured or transcribed licensing exchanges against our client and compare what it sends.");
        command.Arguments.Add(filesArgument);
        command.Options.Add(jsonOption);
        command.Options.Add(junitOption);
        var decryption = new DecryptionArguments(command);
        command.SetAction(parseResult =>
        {
            if (!decryption.TryLoad(parseResult, out DecryptionKeys keys, out string keyError))
            {
                error.WriteLine($"replay: {keyError}");
                return HostApp.ExitCannotRun;
            }

            string[] paths = parseResult.GetValue(filesArgument) ?? [];
            IReadOnlyList<string> files = ReplayInputLoader.Expand(paths);
            if (files.Count == 0)
            {
                error.WriteLine("replay: no pcap, pcapng or transcript file found");
                return HostApp.ExitCannotRun;
            }

            foreach (string problem in keys.KeyLog.Problems)
            {
                error.WriteLine(TerminalSafe($"replay: warning: key log {problem}"));
            }

            var inputs = files.Select(f => ReplayInputLoader.Load(f, keys)).ToList();
            ReplayReport report = ReplayReport.Run(inputs);
            if (parseResult.GetValue(jsonOption))
            {
                using var stream = new MemoryStream();
                report.WriteJson(stream);
                output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                report.WriteText(output);
            }

            string? junit = parseResult.GetValue(junitOption);
            if (junit is not null)
            {
                try
                {
                    using var stream = new MemoryStream();
                    report.WriteJUnit(stream);
                    DurableFile.Write(junit, stream.ToArray());
                }
                catch (IOException exception)
                {
                    error.WriteLine($"replay: {OsErrorText.Explain(exception)}");
                    return HostApp.ExitCannotRun;
                }
            }

            foreach (ReplayInput input in inputs.Where(i => i.Error is not null))
            {
                error.WriteLine(TerminalSafe($"replay: {input.Path}: {input.Error}"));
            }

            if (inputs.All(i => i.Error is not null && i.Exchanges.Count == 0))
            {
                return HostApp.ExitCannotRun;
            }

            return report.AllPassed ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }

    private static string TerminalSafe(string text) => ReplayReport.EscapeForTerminal(text);
}
