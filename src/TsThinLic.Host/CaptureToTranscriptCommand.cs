using System.CommandLine;
using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic capture-to-transcript FILE.pcapng [--output OUT.transcript]</c>: writes the licensing exchanges of a
/// pcap or pcapng file as a transcript, with what the captured client said in the clear (PlatformId, names, client
/// randoms, the CAL it presented) as secrets, and every connection that could not be converted as a comment. With the
/// keys (<c>--keylog</c>, <c>--server-key</c>, <c>--license-key</c>) the capture is decrypted first: its PDUs are
/// written in clear, and the premaster secrets and HWID the licensing key opens become secrets too, so a field capture
/// turns into a byte-exact, editable transcript.
/// </summary>
internal static class CaptureToTranscriptCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var fileArgument = new Argument<string>("file") { Description = "A pcap or pcapng file." };
        var outputOption = new Option<string?>("--output", "-o") { Description = "Write the transcript here instead of printing it." };
        var command = new Command("capture-to-transcript", "Convert the licensing exchanges of a capture into a transcript.");
        command.Arguments.Add(fileArgument);
        command.Options.Add(outputOption);
        var decryption = new DecryptionArguments(command);
        command.SetAction(parseResult =>
        {
            if (!decryption.TryLoad(parseResult, out DecryptionKeys keys, out string keyError))
            {
                error.WriteLine($"capture-to-transcript: {keyError}");
                return HostApp.ExitCannotRun;
            }

            string file = parseResult.GetValue(fileArgument)!;
            ReplayInput input = ReplayInputLoader.Load(file, keys);
            if (input.Format is not ("pcap" or "pcapng"))
            {
                error.WriteLine($"capture-to-transcript: '{file}' is not a pcap or pcapng file{(input.Error is null ? string.Empty : $": {input.Error}")}");
                return HostApp.ExitCannotRun;
            }

            if (input.Error is not null)
            {
                error.WriteLine($"capture-to-transcript: {input.Error}");
            }

            string header = $"Converted by tsthinlic capture-to-transcript from {Path.GetFileName(file)}.";
            foreach (string notice in input.Notices)
            {
                header += $"\nnot converted: {notice}";
            }

            if (input.Exchanges.Count == 0)
            {
                error.WriteLine($"capture-to-transcript: no licensing exchange in '{file}'");
                foreach (string notice in input.Notices)
                {
                    error.WriteLine(ReplayReport.EscapeForTerminal($"  {notice}"));
                }

                return HostApp.ExitProblem;
            }

            string text = TranscriptFormat.Write(input.Exchanges, header);
            string? destination = parseResult.GetValue(outputOption);
            if (destination is null)
            {
                output.Write(text);
                return HostApp.ExitOk;
            }

            try
            {
                DurableFile.Write(destination, System.Text.Encoding.UTF8.GetBytes(text));
            }
            catch (IOException exception)
            {
                error.WriteLine($"capture-to-transcript: {OsErrorText.Explain(exception)}");
                return HostApp.ExitCannotRun;
            }

            return input.Error is null ? HostApp.ExitOk : HostApp.ExitProblem;
        });
        return command;
    }
}
