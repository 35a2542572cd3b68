using System.Globalization;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// A replay run over any number of inputs, and its three renderings: a readable per-PDU table with hex diffs, JSON
/// (written with Utf8JsonWriter, no reflection), and JUnit XML for CI systems.
/// </summary>
public sealed class ReplayReport
{
    public ReplayReport(IReadOnlyList<ReplayInput> inputs, IReadOnlyList<ReplayExchangeResult> results)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(results);
        Inputs = inputs;
        Results = results;
    }

    public IReadOnlyList<ReplayInput> Inputs { get; }

    public IReadOnlyList<ReplayExchangeResult> Results { get; }

    public int Passed => Results.Count(r => r.Verdict == ReplayVerdict.Pass);

    public int Failed => Results.Count(r => r.Verdict == ReplayVerdict.Fail);

    public int Unsupported => Results.Count(r => r.Verdict == ReplayVerdict.Unsupported);

    public int UnreadableFiles => Inputs.Count(i => i.Error is not null);

    /// <summary>Everything passed: at least one exchange, none failed or unsupported, every file read whole.</summary>
    public bool AllPassed => Results.Count > 0 && Failed == 0 && Unsupported == 0 && UnreadableFiles == 0;

    /// <summary>Replays every exchange of every input; <paramref name="logger"/> gets events 500-504.</summary>
    public static ReplayReport Run(IReadOnlyList<ReplayInput> inputs, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        logger ??= NullLogger.Instance;
        var results = new List<ReplayExchangeResult>();
        foreach (ReplayInput input in inputs)
        {
            if (input.Error is not null)
            {
                ReplayLog.ReplayInputProblem(logger, input.Path, input.Error);
            }

            foreach (string notice in input.Notices)
            {
                ReplayLog.ReplayNotReplayable(logger, input.Path, notice);
            }

            foreach (ReplayExchange exchange in input.Exchanges)
            {
                results.Add(ReplayRunner.Run(exchange, logger));
            }
        }

        return new ReplayReport(inputs, results);
    }

    /// <summary>Text from a capture or a key file made safe to print (control characters and bidi overrides spelled out).</summary>
    public static string EscapeForTerminal(string text) => TerminalText.Escape(text);

    /// <summary>One line: counts of exchanges by verdict, files, and notices.</summary>
    public string SummaryLine()
    {
        int notices = Inputs.Sum(i => i.Notices.Count);
        int encrypted = Results.Sum(r => r.Pdus.Count(p => p.MessageType == "encrypted"));
        int decrypted = Results.Sum(r => r.Exchange.Pdus.Count(p => p.Decryption is not null));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Results.Count} exchange(s) from {Inputs.Count} file(s): {Passed} passed, {Failed} failed, {Unsupported} unsupported; {decrypted} PDU(s) decrypted; {encrypted} encrypted PDU(s) not comparable; {notices} notice(s) (TLS or licensing-less connections, skipped files); {UnreadableFiles} file(s) with read errors");
    }

    /// <summary>Writes the readable table.</summary>
    public void WriteText(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (ReplayInput input in Inputs)
        {
            var results = Results.Where(r => ReferenceEquals(r.Exchange.Source, input.Path) || r.Exchange.Source == input.Path).ToList();
            output.WriteLine(TerminalText.Escape($"{input.Path} ({input.Format}): {results.Count} exchange(s)"));
            if (input.Error is not null)
            {
                output.WriteLine(TerminalText.Escape($"  ERROR: {input.Error}"));
            }

            foreach (string notice in input.Notices)
            {
                output.WriteLine(TerminalText.Escape($"  notice: {notice}"));
            }

            foreach (ReplayExchangeResult result in results)
            {
                output.WriteLine(TerminalText.Escape($"  {Verdict(result.Verdict).ToUpperInvariant()}  {result.Exchange.Name} ({result.Comparison}); our client: {result.Outcome}"));
                foreach (string problem in result.Problems)
                {
                    output.WriteLine(TerminalText.Escape($"    problem: {problem}"));
                }

                foreach (string note in result.Exchange.Notes)
                {
                    output.WriteLine(TerminalText.Escape($"    note: {note}"));
                }

                foreach (string revealed in result.Exchange.Revealed)
                {
                    output.WriteLine(TerminalText.Escape($"    revealed: {revealed}"));
                }

                output.WriteLine(TerminalText.Escape($"    {"#",-3} {"dir",-3} {"message",-28} {"verdict",-11} detail"));
                foreach (ReplayPduResult pdu in result.Pdus)
                {
                    output.WriteLine(TerminalText.Escape($"    {pdu.Index,-3} {(pdu.Direction == CaptureDirection.ServerToClient ? "S>C" : "C>S"),-3} {pdu.MessageType,-28} {Verdict(pdu.Verdict),-11} {pdu.Detail}"));
                    foreach (FieldDifference difference in pdu.Differences)
                    {
                        string offset = difference.Offset >= 0 ? $"offset {difference.Offset}" : "absent from the capture";
                        output.WriteLine(TerminalText.Escape($"        {(difference.IsTolerated ? "tolerated" : "MISMATCH")} {difference.Field} at {offset}"));
                        WriteHexDiff(output, difference.Captured.Span, difference.Ours.Span);
                        if (difference.Tolerance is not null)
                        {
                            output.WriteLine(TerminalText.Escape($"          why tolerated: {difference.Tolerance}"));
                        }
                    }
                }
            }
        }

        output.WriteLine(TerminalText.Escape(SummaryLine()));
    }

    // Both values in rows of 16 bytes, with a caret under every byte that differs.
    private static void WriteHexDiff(TextWriter output, ReadOnlySpan<byte> captured, ReadOnlySpan<byte> ours)
    {
        const int PerRow = 16;
        const int MaxRows = 8;
        int length = Math.Max(captured.Length, ours.Length);
        int rows = 0;
        for (int start = 0; start < length && rows < MaxRows; start += PerRow)
        {
            bool differs = false;
            var marks = new StringBuilder();
            for (int i = start; i < Math.Min(start + PerRow, length); i++)
            {
                bool same = i < captured.Length && i < ours.Length && captured[i] == ours[i];
                differs |= !same;
                marks.Append(same ? "   " : "^^ ");
            }

            if (!differs && length > PerRow)
            {
                continue;
            }

            rows++;
            output.WriteLine($"          +{start,-5} captured: {Row(captured, start, PerRow)}");
            output.WriteLine($"          +{start,-5} ours:     {Row(ours, start, PerRow)}");
            output.WriteLine($"                          {marks.ToString().TrimEnd()}");
        }

        if (length == 0)
        {
            output.WriteLine("          (empty on both sides)");
        }
        else if (rows == MaxRows)
        {
            output.WriteLine($"          (first {MaxRows} differing rows shown)");
        }
    }

    private static string Row(ReadOnlySpan<byte> bytes, int start, int count)
    {
        var row = new StringBuilder();
        for (int i = start; i < start + count; i++)
        {
            row.Append(i < bytes.Length ? bytes[i].ToString("x2", CultureInfo.InvariantCulture) + " " : "   ");
        }

        return row.ToString().TrimEnd();
    }

    /// <summary>Writes the JSON report: <c>exchanges[]</c> with <c>file</c>, <c>verdict</c> and <c>pdus[]</c>.</summary>
    public void WriteJson(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("exchanges");
        foreach (ReplayExchangeResult result in Results)
        {
            json.WriteStartObject();
            json.WriteString("file", result.Exchange.Source);
            json.WriteString("name", result.Exchange.Name);
            json.WriteString("verdict", Verdict(result.Verdict));
            json.WriteString("comparison", result.Comparison);
            json.WriteString("outcome", result.Outcome);
            WriteStrings(json, "problems", result.Problems);
            WriteStrings(json, "notes", result.Exchange.Notes);
            WriteStrings(json, "revealed", result.Exchange.Revealed);
            json.WriteStartArray("pdus");
            foreach (ReplayPduResult pdu in result.Pdus)
            {
                json.WriteStartObject();
                json.WriteNumber("index", pdu.Index);
                json.WriteString("direction", pdu.Direction == CaptureDirection.ServerToClient ? "server" : "client");
                json.WriteString("messageType", pdu.MessageType);
                json.WriteString("verdict", Verdict(pdu.Verdict));
                json.WriteString("detail", pdu.Detail);
                json.WriteStartArray("differences");
                foreach (FieldDifference difference in pdu.Differences)
                {
                    json.WriteStartObject();
                    json.WriteString("field", difference.Field);
                    json.WriteNumber("offset", difference.Offset);
                    json.WriteString("captured", Convert.ToHexStringLower(difference.Captured.Span));
                    json.WriteString("ours", Convert.ToHexStringLower(difference.Ours.Span));
                    json.WriteBoolean("tolerated", difference.IsTolerated);
                    if (difference.Tolerance is not null)
                    {
                        json.WriteString("tolerance", difference.Tolerance);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("files");
        foreach (ReplayInput input in Inputs)
        {
            json.WriteStartObject();
            json.WriteString("file", input.Path);
            json.WriteString("format", input.Format);
            json.WriteNumber("exchanges", input.Exchanges.Count);
            if (input.Error is not null)
            {
                json.WriteString("error", input.Error);
            }

            WriteStrings(json, "notices", input.Notices);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("exchanges", Results.Count);
        json.WriteNumber("passed", Passed);
        json.WriteNumber("failed", Failed);
        json.WriteNumber("unsupported", Unsupported);
        json.WriteNumber("unreadableFiles", UnreadableFiles);
        json.WriteBoolean("allPassed", AllPassed);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes JUnit XML: a test suite per file, a test case per exchange (unsupported ones skipped, read errors as errors).</summary>
    /// <remarks>Written by hand (escaped) rather than with XmlWriter, which would pull System.Private.Xml into the AOT binary (6 MB budget).</remarks>
    public void WriteJUnit(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.Append(CultureInfo.InvariantCulture, $"<testsuites name=\"tsthinlic replay\" tests=\"{Results.Count + UnreadableFiles}\" failures=\"{Failed}\" errors=\"{UnreadableFiles}\" skipped=\"{Unsupported}\">\n");
        foreach (ReplayInput input in Inputs)
        {
            var results = Results.Where(r => r.Exchange.Source == input.Path).ToList();
            int errors = input.Error is null ? 0 : 1;
            xml.Append(CultureInfo.InvariantCulture, $"  <testsuite name=\"{Escape(input.Path)}\" tests=\"{results.Count + errors}\" failures=\"{results.Count(r => r.Verdict == ReplayVerdict.Fail)}\" errors=\"{errors}\" skipped=\"{results.Count(r => r.Verdict == ReplayVerdict.Unsupported)}\">\n");
            if (input.Error is not null)
            {
                xml.Append(CultureInfo.InvariantCulture, $"    <testcase classname=\"{Escape(input.Path)}\" name=\"read\">\n      <error message=\"{Escape(input.Error)}\" />\n    </testcase>\n");
            }

            foreach (ReplayExchangeResult result in results)
            {
                string body = string.Join("\n", result.Pdus.Select(p => $"{p.Index} {(p.Direction == CaptureDirection.ServerToClient ? "S>C" : "C>S")} {p.MessageType} {Verdict(p.Verdict)}: {p.Detail}"));
                xml.Append(CultureInfo.InvariantCulture, $"    <testcase classname=\"{Escape(input.Path)}\" name=\"{Escape(result.Exchange.Name)}\">\n");
                if (result.Verdict == ReplayVerdict.Fail)
                {
                    string first = result.Problems.FirstOrDefault() ?? result.Pdus.FirstOrDefault(p => p.Verdict == ReplayVerdict.Fail)?.Detail ?? "failed";
                    xml.Append(CultureInfo.InvariantCulture, $"      <failure message=\"{Escape(first)}\">{Escape(body)}</failure>\n");
                }
                else if (result.Verdict == ReplayVerdict.Unsupported)
                {
                    xml.Append("      <skipped message=\"nothing in this exchange could be compared\" />\n");
                }

                xml.Append(CultureInfo.InvariantCulture, $"      <system-out>{Escape(body)}</system-out>\n    </testcase>\n");
            }

            if (input.Notices.Count > 0)
            {
                xml.Append(CultureInfo.InvariantCulture, $"    <system-out>{Escape(string.Join("\n", input.Notices))}</system-out>\n");
            }

            xml.Append("  </testsuite>\n");
        }

        xml.Append("</testsuites>\n");
        byte[] bytes = Encoding.UTF8.GetBytes(xml.ToString());
        output.Write(bytes, 0, bytes.Length);
    }

    // XML 1.0 text and attribute escaping; characters XML cannot carry at all (most C0 controls) become '?'.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                case '\n': escaped.Append("&#10;"); break;
                case '\t': escaped.Append("&#9;"); break;
                default:
                    escaped.Append(c < 0x20 || c is '\ufffe' or '\uffff' ? '?' : c);
                    break;
            }
        }

        return escaped.ToString();
    }

    internal static string Verdict(ReplayVerdict verdict) => verdict switch
    {
        ReplayVerdict.Pass => "pass",
        ReplayVerdict.Fail => "fail",
        _ => "unsupported",
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
