using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
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
    /// <param name="meaning">What the outcome means (<see cref="ProbeCommand.Meaning"/>).</param>
    /// <param name="verdict">The server's verdict after licensing, in words, when the probe saw one; null when not.</param>
    public static void Write(TextWriter output, TerminalStyle style, ProbeResult result, string meaning, string? verdict, StoreSelection? store, StoreVerification? verification)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(meaning);
        string sentence = result.Succeeded
            ? LicenseOutcomeView.Sentence(true, result.Outcome, result.StoredLicense, result.PresentedLicense, null, string.Empty)
            : $"Not licensed at {TerminalText.Escape(result.Host)}:{result.Port}: {TerminalText.Escape(meaning)}.";
        style.Write(output, result.Succeeded ? TerminalStyle.Green : TerminalStyle.Red, sentence);
        output.WriteLine();
        if (verdict is not null)
        {
            output.WriteLine(TerminalText.Escape(verdict));
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
