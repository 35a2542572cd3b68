using TsThinLic.Diagnostics;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic probe</c> (and <c>license --server</c>) for people: the outcome first, in one sentence, then what the
/// server is (RDP version, security, the license offer), the licensing PDU flow, and the time each phase of the
/// connection took; the store's findings only when there is something to say. Everything else the probe saw
/// (certificates, TLS, key sizes) is in <c>--json</c>. Text from the server goes through <see cref="TerminalText.Escape"/>.
/// </summary>
internal static class ProbeOutcomeView
{
    /// <summary>
    /// The line under the outcome for the server's verdict after licensing (main's ProbeResult.Verdict / ErrorInfo: a
    /// Demand Active, a Set Error Info PDU with its ERRINFO name, meaning and fix, or a disconnect without a reason),
    /// in words; given to <see cref="Write"/> as its verdict.
    /// </summary>
    /// <param name="accepted">Demand Active came: the session would start.</param>
    /// <param name="pduName">The PDU that carried the verdict ("demand-active", "set-error-info", …).</param>
    /// <param name="errorInfoName">The ERRINFO_* name, when the server sent one.</param>
    /// <param name="errorInfoMeaning">What that code means.</param>
    /// <param name="fix">What to do about it, when known.</param>
    public static string VerdictSentence(bool accepted, string pduName, string? errorInfoName, string? errorInfoMeaning, string? fix)
    {
        ArgumentNullException.ThrowIfNull(pduName);
        if (accepted)
        {
            return "Server verdict: Demand Active: the server accepted the client and its licensing; the session would start.";
        }

        string why = errorInfoName is null ? $"{pduName}, no reason given" : $"{errorInfoName}: {errorInfoMeaning}";
        return $"Server verdict: the server refused the session after licensing ({why}).{(fix is null ? string.Empty : $" Fix: {fix}.")}";
    }

    /// <param name="meaning">What the outcome means (<see cref="ProbeCommand.Meaning"/>).</param>
    /// <param name="verdict">The server's verdict after licensing (<see cref="VerdictSentence"/>) and whether it let the client in, when the probe saw one; null when not.</param>
    public static void Write(TextWriter output, TerminalStyle style, ProbeResult result, string meaning, (string Text, bool Accepted)? verdict, StoreSelection? store, StoreVerification? verification)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(meaning);
        string sentence = result.Succeeded
            ? LicenseOutcomeView.Sentence(true, result.Outcome, result.StoredLicense, result.PresentedLicense, null, string.Empty)
            : $"Not licensed at {TerminalText.Escape(result.Host)}:{result.Port}: {TerminalText.Escape(meaning)}.";
        bool refused = result.Succeeded && verdict is { Accepted: false };
        if (refused)
        {
            // Licensing went through, but the session would not start: that, not the licensing outcome, is the news.
            sentence = "Not let in: licensing completed, but the server refused the session after it (its verdict below).";
        }

        style.Write(output, result.Succeeded && !refused ? TerminalStyle.Green : TerminalStyle.Red, sentence);
        output.WriteLine();
        if (verdict is { } said)
        {
            output.WriteLine(TerminalText.Escape(said.Text));
        }

        if (result.Failure is { } failure)
        {
            output.WriteLine($"  failed in {new PhaseTiming(failure.Phase, default).Name}: {TerminalText.Escape(failure.Message)}");
        }

        output.WriteLine();
        output.Write($"  server {TerminalText.Escape(result.Host)}:{result.Port}");
        if (result.ServerData is { } server)
        {
            output.Write($", {RdpSpecNames.ServerVersion(server.Core.Version)}, encryption {RdpSpecNames.EncryptionMethod(server.Security.EncryptionMethod)}");
        }

        output.WriteLine(result.TlsVersion is { } tls ? $", {TerminalText.Escape(tls)}" : result.SelectedProtocol is null ? string.Empty : ", Standard RDP Security");
        if (result.LicenseRequest is { } request)
        {
            output.WriteLine($"  offer  {TerminalText.Escape(request.ProductInfo.CompanyName)} {TerminalText.Escape(request.ProductInfo.ProductId)} 0x{request.ProductInfo.Version:x8}, scopes {TerminalText.Escape(string.Join(", ", request.Scopes))}");
        }

        if (result.LicensingPdus.Count > 0)
        {
            output.WriteLine();
            LicenseOutcomeView.WritePdus(output, style, result.LicensingPdus);
        }

        if (result.Phases.Count > 0)
        {
            output.WriteLine();
            foreach (PhaseTiming phase in result.Phases)
            {
                output.WriteLine($"  {phase.Name,-28} {LicenseOutcomeView.Milliseconds(phase.Duration),8} ms");
            }

            output.WriteLine($"  {"total",-28} {LicenseOutcomeView.Milliseconds(result.Total),8} ms");
        }

        if (store is not null)
        {
            LicenseOutcomeView.WriteStoreFindings(output, style, store, verification);
        }
    }
}
