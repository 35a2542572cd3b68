using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>
/// The generator of fixtures/transcripts: every scenario the emulated license server can play, run between our
/// client and the emulator with known randoms, written as a transcript with its secrets so it replays byte for byte.
/// <see cref="TranscriptCorpusTests"/> checks the committed files are exactly what this produces, and rewrites them
/// when TSTHINLIC_WRITE_TRANSCRIPTS=1.
/// </summary>
internal static class TranscriptCorpus
{
    public const string WriteVariable = "TSTHINLIC_WRITE_TRANSCRIPTS";

    private const string UserName = "qa-user";
    private const string MachineName = "THIN-0042";

    public static ClientHardwareId HardwareId { get; } = new(0x04010000, Convert.FromHexString("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));

    public static StoredLicense StoredCal { get; } = new(
        new LicenseKey(0x00060000, "microsoft.com", "Microsoft Corporation", "A02"), TestSupport.Vectors.Hex("cal_decode_spec_rodent"), DateTimeOffset.UnixEpoch);

    /// <summary>Scenario name → (script, whether the client holds a CAL, comment).</summary>
    public static IEnumerable<(string Name, EmulatedServerScript Script, bool HoldsCal, string Comment)> Scenarios()
    {
        yield return ("new-license-with-challenge", EmulatedServerScript.NewLicense, false, "LICENSE_REQUEST → NEW_LICENSE_REQUEST → PLATFORM_CHALLENGE → PLATFORM_CHALLENGE_RESPONSE → NEW_LICENSE ([MS-RDPELE 1.3.3])");
        yield return ("license-info-valid-client", EmulatedServerScript.ValidClient, true, "the client presents its CAL (LICENSE_INFO); the server answers STATUS_VALID_CLIENT");
        yield return ("license-info-upgrade", EmulatedServerScript.Upgrade, true, "the client presents its CAL; the server challenges and renews it (UPGRADE_LICENSE)");
        yield return ("valid-client-without-request", EmulatedServerScript.Of([EmulatedServerAction.ValidClient]), false, "the server skips licensing: STATUS_VALID_CLIENT straight away (per-user mode, freerdp-shadow-cli)");
        yield return ("challenge-bad-mac-client-aborts", EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [new EmulatedServerAction.SendPlatformChallenge(CorruptMac: true)]), false, "the challenge's MAC does not verify: the client sends ERR_INVALID_MAC with ST_TOTAL_ABORT ([MS-RDPELE 3.3.5.9])");
        yield return ("new-license-bad-mac-client-aborts", EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [EmulatedServerAction.PlatformChallenge], [new EmulatedServerAction.SendNewLicense(Upgrade: false, CorruptMac: true)]), false, "the license's MAC does not verify: the client sends ERR_INVALID_MAC with ST_TOTAL_ABORT");
        LicensingStateTransition[] transitions =
        [
            LicensingStateTransition.TotalAbort,
            LicensingStateTransition.NoTransition,
            LicensingStateTransition.ResetPhaseToStart,
            LicensingStateTransition.ResendLastMessage,
        ];
        foreach (int step in new[] { 1, 2 })
        {
            foreach (LicensingStateTransition transition in transitions)
            {
                LicensingErrorCode code = step == 1 ? LicensingErrorCode.InvalidClient : LicensingErrorCode.NoLicense;
                string where = step == 1 ? "instead-of-challenge" : "instead-of-license";
                yield return (
                    $"error-{Name(transition)}-{where}",
                    EmulatedServerScript.ErrorAt(step, code, transition),
                    false,
                    $"{LicensingSpecNames.ErrorCode(code)} with {LicensingSpecNames.StateTransition(transition)} {where.Replace('-', ' ')}, then what a server does next for that transition ([MS-RDPELE 3.1.5])");
            }
        }

        yield return ("license-request-without-certificate", EmulatedServerScript.NewLicense, false, WithoutCertificate + "LICENSE_REQUEST with an empty ServerCertificate: the client encrypts with the certificate of the connection's GCC Server Security Data ([MS-RDPELE 2.2.2.1])");
        yield return ("error-total-abort-instead-of-request", EmulatedServerScript.ErrorAt(0, LicensingErrorCode.NoLicenseServer, LicensingStateTransition.TotalAbort), false, "ERR_NO_LICENSE_SERVER with ST_TOTAL_ABORT before any LICENSE_REQUEST");
    }

    /// <summary>Marks a scenario whose server leaves the certificate out of LICENSE_REQUEST.</summary>
    private const string WithoutCertificate = "(no certificate in LICENSE_REQUEST) ";

    private static string Name(LicensingStateTransition transition) => transition switch
    {
        LicensingStateTransition.TotalAbort => "total-abort",
        LicensingStateTransition.NoTransition => "no-transition",
        LicensingStateTransition.ResetPhaseToStart => "reset-phase-to-start",
        _ => "resend-last-message",
    };

    /// <summary>Plays one scenario and returns the transcript text.</summary>
    public static string Generate(string name, EmulatedServerScript script, bool holdsCal, string comment)
    {
        bool withoutCertificate = comment.StartsWith(WithoutCertificate, StringComparison.Ordinal);
        var clientRandom = new RecordingRandomSource(new SequenceRandomSource(seed: 0x40));
        var stored = new LicenseStoreSnapshot(HardwareId, holdsCal ? [StoredCal] : []);
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 0x90), script, new EmulatedLicenseServerOptions { IncludeCertificate = !withoutCertificate, Time = new ManualTimeProvider() });
        byte[] gccCertificate = withoutCertificate ? new byte[server.Certificate.GetEncodedLength()] : [];
        if (withoutCertificate)
        {
            Assert.True(server.Certificate.TryEncode(gccCertificate, out _));
        }

        var options = withoutCertificate ? new LicensingClientOptions { GccServerCertificate = server.Certificate } : null;
        var client = new LicensingClient(new ClientIdentity(HardwareId, UserName, MachineName), stored, clientRandom, options);
        SansIoExchange exchange = SansIoExchange.Run(client, server);
        var pdus = exchange.Pdus
            .Select(p => new ReplayPdu(p.Direction == "server" ? CaptureDirection.ServerToClient : CaptureDirection.ClientToServer, p.Bytes))
            .ToList();
        LicensingStepResult last = exchange.Last!;
        ReplayExpectedOutcome expected = last.Status switch
        {
            LicensingStatus.Completed when last.Outcome == LicensingOutcome.ValidClient => ReplayExpectedOutcome.ValidClient,
            LicensingStatus.Completed when last.Outcome == LicensingOutcome.LicenseIssued => ReplayExpectedOutcome.LicenseIssued,
            LicensingStatus.Completed when last.Outcome == LicensingOutcome.LicenseUpgraded => ReplayExpectedOutcome.LicenseUpgraded,
            LicensingStatus.Failed => ReplayExpectedOutcome.Failed,
            _ => throw new InvalidOperationException($"scenario {name} left the client waiting: {exchange.Describe()}"),
        };
        var secrets = new ReplaySecrets
        {
            UserName = UserName,
            MachineName = MachineName,
            HardwareId = HardwareId,
            PlatformId = HardwareId.PlatformId,
            ClientRandoms = clientRandom.Requests.Where(r => r.Length == 32).Select(r => (ReadOnlyMemory<byte>)r).ToList(),
            PreMasterSecrets = clientRandom.Requests.Where(r => r.Length == 48).Select(r => (ReadOnlyMemory<byte>)r).ToList(),
            StoredLicenses = stored.Licenses,
            GccServerCertificate = gccCertificate,
        };
        var replay = new ReplayExchange(name, name, pdus, secrets, expected, [comment, exchange.Describe()]);
        return TranscriptFormat.Write([replay], "Generated by tests/TsThinLic.Tests/Replay/TranscriptCorpus.cs from the EmulatedLicenseServer with known randoms.\n"
            + "Do not edit: run the tests with " + WriteVariable + "=1 to rewrite. The secrets make the client's PDUs replay byte for byte.");
    }

    /// <summary>Records every random byte string handed out.</summary>
    internal sealed class RecordingRandomSource(IRandomSource inner) : IRandomSource
    {
        public List<byte[]> Requests { get; } = [];

        public void GetBytes(Span<byte> destination)
        {
            inner.GetBytes(destination);
            Requests.Add(destination.ToArray());
        }
    }
}
