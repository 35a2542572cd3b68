using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// Replays one exchange: decodes every PDU, feeds the server's PDUs to a <see cref="LicensingClient"/> built with
/// the identity, stored CALs and randoms the exchange provides, and compares each PDU our client sends with the one
/// the captured client sent in its place (<see cref="ReplayComparer"/>). Sans-I/O and deterministic.
/// </summary>
public static class ReplayRunner
{
    /// <summary>The PlatformId used when the exchange does not say which the client announced.</summary>
    public const uint DefaultPlatformId = 0x04010000;

    /// <summary>Replays the exchange; <paramref name="logger"/> gets events 500-502.</summary>
    public static ReplayExchangeResult Run(ReplayExchange exchange, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        logger ??= NullLogger.Instance;
        ReplaySecrets secrets = exchange.Secrets;
        bool exact = secrets.AllowsByteExactReplay;
        ReplayLog.ReplayStarting(logger, exchange.Name, exchange.Source, exchange.Pdus.Count, exact ? "byte-exact" : "field-by-field");
        if ((secrets.UserName?.Contains('\0', StringComparison.Ordinal) ?? false) || (secrets.MachineName?.Contains('\0', StringComparison.Ordinal) ?? false))
        {
            // A name from a probe's secrets file (JSON can hold U+0000) that no client could send: refused, not thrown.
            return new ReplayExchangeResult(exchange, ReplayVerdict.Fail, exact ? "byte-exact" : "field-by-field", "not replayed", [], ["the user or machine name contains NUL (U+0000), which a licensing name cannot hold"]);
        }

        ClientHardwareId hardwareId = secrets.HardwareId ?? new ClientHardwareId(secrets.PlatformId ?? DefaultPlatformId, new byte[ClientHardwareId.DataLength]);
        var identity = new ClientIdentity(hardwareId, secrets.UserName ?? string.Empty, secrets.MachineName ?? string.Empty);
        var store = new LicenseStoreSnapshot(secrets.HardwareId, secrets.StoredLicenses);
        var problems = new List<string>();
        LicensingClientOptions? options = null;
        if (!secrets.GccServerCertificate.IsEmpty)
        {
            if (ServerCertificate.TryDecode(secrets.GccServerCertificate.Span, out ServerCertificate? certificate, out DecodeError certificateError))
            {
                options = new LicensingClientOptions { GccServerCertificate = certificate };
            }
            else
            {
                problems.Add($"the GCC server certificate does not decode: {certificateError}");
            }
        }

        var client = new LicensingClient(identity, store, new ReplayRandomSource(secrets), options);

        var results = new List<ReplayPduResult>();
        var ours = new Queue<byte[]>();
        LicensingStepResult? last = null;
        bool stopped = false;
        int index = 0;
        foreach (ReplayPdu pdu in exchange.Pdus)
        {
            index++;
            if (pdu.Direction == CaptureDirection.ServerToClient)
            {
                results.Add(OnServerPdu(index, pdu, client, ours, ref last, ref stopped));
            }
            else
            {
                results.Add(OnClientPdu(index, pdu, ours, exact, exchange.FromCapture, stopped));
            }
        }

        while (ours.Count > 0)
        {
            byte[] extra = ours.Dequeue();
            index++;
            results.Add(new ReplayPduResult(index, CaptureDirection.ClientToServer, MessageTypeOf(extra), ReplayVerdict.Fail, "our client sent this; the captured client sent nothing more", ours: extra));
        }

        string outcome = Describe(last, client);
        if (exchange.ExpectedOutcome is { } expected && !Matches(expected, last))
        {
            problems.Add($"the exchange should end {TranscriptFormat.OutcomeName(expected)}; our client: {outcome}");
        }

        ReplayVerdict verdict = problems.Count > 0 || results.Any(r => r.Verdict == ReplayVerdict.Fail)
            ? ReplayVerdict.Fail
            : results.Any(r => r.Verdict == ReplayVerdict.Pass) ? ReplayVerdict.Pass : ReplayVerdict.Unsupported;
        foreach (ReplayPduResult failed in results.Where(r => r.Verdict == ReplayVerdict.Fail))
        {
            ReplayLog.ReplayPduFailed(logger, exchange.Name, failed.Index, failed.MessageType, failed.Detail);
        }

        ReplayLog.ReplayFinished(logger, exchange.Name, ReplayReport.Verdict(verdict), outcome);
        return new ReplayExchangeResult(exchange, verdict, exact ? "byte-exact" : "field-by-field", outcome, results, problems);
    }

    private static ReplayPduResult OnServerPdu(int index, ReplayPdu pdu, LicensingClient client, Queue<byte[]> ours, ref LicensingStepResult? last, ref bool stopped)
    {
        if (pdu.IsEncrypted)
        {
            stopped = true;
            return new ReplayPduResult(index, pdu.Direction, "encrypted", ReplayVerdict.Unsupported, "the server's PDU is encrypted (SEC_ENCRYPT): it cannot be decoded or fed to the client; the rest of the exchange is not replayed", captured: pdu.Bytes);
        }

        if (!LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out DecodeError error))
        {
            stopped = true;
            return new ReplayPduResult(index, pdu.Direction, "malformed", ReplayVerdict.Fail, $"does not decode: {error}", captured: pdu.Bytes);
        }

        string type = LicensingSpecNames.MessageType(decoded.MessageType);
        if (stopped)
        {
            return new ReplayPduResult(index, pdu.Direction, type, ReplayVerdict.Unsupported, "decodes; not fed to the client (the replay stopped earlier)", captured: pdu.Bytes);
        }

        if (client.IsFinished)
        {
            stopped = true;
            return new ReplayPduResult(index, pdu.Direction, type, ReplayVerdict.Fail, $"decodes, but our client had already ended ({Describe(last, client)}) where the captured client went on", captured: pdu.Bytes);
        }

        var output = new ArrayBufferWriter<byte>();
        LicensingStepResult step = client.Step(decoded, output);
        last = step;
        if (output.WrittenCount > 0)
        {
            ours.Enqueue(output.WrittenSpan.ToArray());
        }

        string reaction = step.Status switch
        {
            LicensingStatus.Completed => $"our client completed: {step.Outcome}",
            LicensingStatus.Failed => $"our client failed: {step.Failure?.Message}",
            _ => step.Sent is { } sent ? $"our client answers {LicensingSpecNames.MessageType(sent)}" : "our client waits",
        };
        return new ReplayPduResult(index, pdu.Direction, type, ReplayVerdict.Pass, $"decodes; {reaction}", captured: pdu.Bytes);
    }

    private static ReplayPduResult OnClientPdu(int index, ReplayPdu pdu, Queue<byte[]> ours, bool exact, bool tolerant, bool stopped)
    {
        string capturedType = pdu.IsEncrypted ? "encrypted" : MessageTypeOf(pdu.Bytes.Span);
        if (ours.Count == 0)
        {
            return stopped
                ? new ReplayPduResult(index, pdu.Direction, capturedType, ReplayVerdict.Unsupported, "not compared (the replay stopped earlier)", captured: pdu.Bytes)
                : new ReplayPduResult(index, pdu.Direction, capturedType, ReplayVerdict.Fail, "the captured client sent this; our client sent nothing here", captured: pdu.Bytes);
        }

        byte[] mine = ours.Dequeue();
        string ourType = MessageTypeOf(mine);
        if (pdu.IsEncrypted)
        {
            return new ReplayPduResult(
                index,
                pdu.Direction,
                capturedType,
                ReplayVerdict.Unsupported,
                $"the captured PDU is encrypted with the connection's Standard RDP Security keys ({pdu.Bytes.Length} bytes with its security header): not comparable; our client sent {ourType} ({mine.Length} bytes in clear)",
                captured: pdu.Bytes,
                ours: mine);
        }

        if (!LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out _, out DecodeError error))
        {
            return new ReplayPduResult(index, pdu.Direction, "malformed", ReplayVerdict.Fail, $"the captured PDU does not decode: {error}", captured: pdu.Bytes, ours: mine);
        }

        IReadOnlyList<FieldDifference> differences = ReplayComparer.Compare(mine, pdu.Bytes.Span, exact, tolerant);
        int failures = differences.Count(d => !d.IsTolerated);
        int tolerated = differences.Count - failures;
        string how = exact ? "byte-exact" : "field by field (ciphertext and MACs by length)";
        string detail = failures > 0
            ? $"differs from ours in {string.Join(", ", differences.Where(d => !d.IsTolerated).Select(d => d.Field))}"
            : tolerated > 0 ? $"matches {how}; tolerated: {string.Join(", ", differences.Select(d => d.Field))}" : $"matches {how}";
        return new ReplayPduResult(index, pdu.Direction, capturedType, failures > 0 ? ReplayVerdict.Fail : ReplayVerdict.Pass, detail, differences, pdu.Bytes, mine);
    }

    private static string MessageTypeOf(ReadOnlySpan<byte> bytes)
        => LicensingPduDecoder.TryDecode(bytes, out LicensingPdu? pdu, out _) ? LicensingSpecNames.MessageType(pdu.MessageType) : "malformed";

    private static string MessageTypeOf(ReadOnlyMemory<byte> bytes) => MessageTypeOf(bytes.Span);

    private static bool Matches(ReplayExpectedOutcome expected, LicensingStepResult? last) => expected switch
    {
        ReplayExpectedOutcome.ValidClient => last is { Status: LicensingStatus.Completed, Outcome: LicensingOutcome.ValidClient },
        ReplayExpectedOutcome.LicenseIssued => last is { Status: LicensingStatus.Completed, Outcome: LicensingOutcome.LicenseIssued },
        ReplayExpectedOutcome.LicenseUpgraded => last is { Status: LicensingStatus.Completed, Outcome: LicensingOutcome.LicenseUpgraded },
        _ => last is { Status: LicensingStatus.Failed },
    };

    private static string Describe(LicensingStepResult? last, LicensingClient client) => last switch
    {
        { Status: LicensingStatus.Completed } => last.Outcome switch
        {
            LicensingOutcome.ValidClient => "valid-client",
            LicensingOutcome.LicenseIssued => "license-issued",
            LicensingOutcome.LicenseUpgraded => "license-upgraded",
            _ => $"completed ({last.Outcome})",
        },
        { Status: LicensingStatus.Failed } => $"failed: {last.Failure?.Message}",
        _ => $"still waiting ({client.StateName})",
    };
}
