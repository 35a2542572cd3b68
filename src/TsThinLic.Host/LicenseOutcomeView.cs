using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Diagnostics;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic license</c> for people: the outcome first, in one sentence ("Licensed: temporary CAL A02-6.00-S issued
/// by LS01, valid until 2027-03-04."), then the PDU flow and the time the exchange took, then the store's findings only
/// when there is something to say (damage, a clone, an image kept in the quarantine by this run). Text from the
/// server, the CAL or the store goes through <see cref="TerminalText.Escape"/>.
/// </summary>
internal static class LicenseOutcomeView
{
    public static void Write(TextWriter output, TerminalStyle style, LicensingExchangeResult result, TimeSpan elapsed, StoreSelection? store, StoreVerification? verification)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(result);
        style.Write(output, result.Succeeded ? TerminalStyle.Green : TerminalStyle.Red, Sentence(result.Succeeded, result.Outcome, result.StoredLicense, result.PresentedLicense, result.Failure?.Message, FailureAdvice(result.Failure)));
        output.WriteLine();
        output.WriteLine();
        WritePdus(output, style, result.Pdus);
        output.WriteLine($"  exchange took {Milliseconds(elapsed)} ms; HWID fingerprint {Crypto.HardwareIdFingerprint.Compute(result.HardwareId.ToArray())}{(result.HardwareIdCreated ? " (made now: this device's first license)" : string.Empty)}");
        if (store is not null)
        {
            WriteStoreFindings(output, style, store, verification);
        }
    }

    /// <summary>
    /// The one sentence: "Licensed: …" with the CAL's kind, license ID, issuer and expiry, or "Not licensed: …" with
    /// what failed and what to do.
    /// </summary>
    public static string Sentence(bool succeeded, LicensingOutcome? outcome, StoredLicense? stored, LicenseKey? presented, string? failure, string advice)
    {
        if (!succeeded)
        {
            return $"Not licensed: {TerminalText.Escape(failure ?? "the exchange did not complete")}. {advice}";
        }

        string cal = stored is { } license ? CalPhrase(license.LicenseInfo.Span) : string.Empty;
        return outcome switch
        {
            LicensingOutcome.LicenseIssued => $"Licensed: {cal}.",
            LicensingOutcome.LicenseUpgraded => $"Licensed: CAL renewed or upgraded, now {cal}.",
            _ => presented is { } key
                ? $"Licensed: the server accepted the stored CAL for {TerminalText.Escape(key.ProductId)} (scope {TerminalText.Escape(key.Scope)}) and kept it as it is."
                : "Licensed: the server lets this device in without issuing a CAL (STATUS_VALID_CLIENT: per-user licensing, or a server that does not license).",
        };
    }

    /// <summary>"temporary CAL A02-6.00-S issued by LS01, valid until 2027-03-04".</summary>
    public static string CalPhrase(ReadOnlySpan<byte> licenseInfo)
    {
        if (!ClientAccessLicense.TryDecode(licenseInfo, out ClientAccessLicense? cal, out _))
        {
            return "a CAL that cannot be decoded (kept as issued)";
        }

        string until = cal.Leaf.NotAfter is { } to ? $", valid until {CalTimeline.Day(to)}" : string.Empty;
        return $"{(cal.IsTemporary ? "temporary" : "permanent")} CAL {TerminalText.Escape(cal.LicenseId ?? "(no license ID)")} issued by {TerminalText.Escape(cal.Issuer ?? "(unnamed server)")}{until}";
    }

    /// <summary>What to do after a failed exchange, by the server's error code when it sent one.</summary>
    public static string FailureAdvice(LicensingFailure? failure) => failure?.ServerErrorCode switch
    {
        null when failure is null => string.Empty,
        LicensingErrorCode.NoLicenseServer => "The terminal server found no license server: check its licensing mode and license server setting (server events 1004/1028).",
        LicensingErrorCode.NoLicense => "The pool has no CAL for this client: add CALs or wait for temporary ones to return (server event 1004).",
        LicensingErrorCode.InvalidMac => "Keys or encryption disagree: run again with --verbose and keep the transcript for a bug report.",
        LicensingErrorCode.InvalidClient or LicensingErrorCode.InvalidProductId or LicensingErrorCode.InvalidScope => "The server rejected the stored CAL: tsthinlic doctor says whether a wipe --cals-only is the fix.",
        { } => "See the server's event log for the licensing events of this time.",
        _ => "Run tsthinlic doctor for the store, and again with --verbose to see each step.",
    };

    /// <summary>The licensing PDUs in order: direction, message type, length.</summary>
    public static void WritePdus(TextWriter output, TerminalStyle style, IReadOnlyList<LicensingPduRecord> pdus)
    {
        ArgumentNullException.ThrowIfNull(pdus);
        foreach (LicensingPduRecord pdu in pdus)
        {
            string direction = pdu.Direction == LicensingPduDirection.Server
                ? (style.Unicode ? "server → client" : "server -> client")
                : (style.Unicode ? "client → server" : "client -> server");
            string name = pdu.MessageType is { } type ? LicensingSpecNames.MessageType(type) : "(undecodable)";
            output.WriteLine($"  {direction}  {name,-28} {pdu.Bytes.Length,5} bytes");
        }
    }

    /// <summary>Only what needs saying: a damaged store, a clone, attention, or an image this run kept.</summary>
    public static void WriteStoreFindings(TextWriter output, TerminalStyle style, StoreSelection store, StoreVerification? verification)
    {
        ArgumentNullException.ThrowIfNull(store);
        IReadOnlyList<QuarantinedImage> keptNow = store.Quarantine?.Kept ?? [];
        IReadOnlyList<StoreFinding> worth = StoreFindingView.Worth(verification);
        if (worth.Count == 0 && keptNow.Count == 0)
        {
            return;
        }

        output.WriteLine();
        style.Write(output, TerminalStyle.Bold, $"Store {TerminalText.Escape(store.Kind)}:{TerminalText.Escape(store.Location)}");
        output.WriteLine();
        StoreFindingView.Write(output, style, worth);

        foreach (QuarantinedImage image in keptNow)
        {
            output.WriteLine($"  the store was damaged ({TerminalText.Escape(image.Reason)}); the damaged image is kept and this device licensed afresh");
            output.Write("    read the old HWID and CALs with: ");
            style.Write(output, TerminalStyle.Cyan, $"tsthinlic show --image {TerminalText.Escape(image.Path)}");
            output.WriteLine();
        }
    }

    public static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);
}
