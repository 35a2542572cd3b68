using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Tests.Capture;
using TsThinLic.Tests.Host;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>A capture or transcript whose client PDU differs by one byte fails, with a diff naming the field.</summary>
public sealed class ReplayMismatchTests
{
    // In the captured NEW_LICENSE_REQUEST: TS_SECURITY_HEADER (4) + LICENSE_PREAMBLE (4), then PreferredKeyExchangeAlg.
    private const int PreferredKeyExchangeAlgOffset = 8;

    internal static byte[] EditedCapture(out int fileOffset)
    {
        byte[] file = CaptureFixtures.Read("xrdp-rdp-none.pcapng");
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(file).Connections);
        byte[] pdu = Assert.Single(connection.Pdus, p => p.Direction == CaptureDirection.ClientToServer).Bytes.ToArray();
        // The PDU went in one segment: find it in the file and change one byte of PreferredKeyExchangeAlg (1 → 2).
        int at = file.AsSpan().IndexOf(pdu);
        Assert.True(at > 0);
        fileOffset = at + PreferredKeyExchangeAlgOffset;
        byte[] edited = (byte[])file.Clone();
        edited[fileOffset] ^= 0x03;
        return edited;
    }

    [Fact]
    public void OneByteEditedInTheCapturedClientPduFailsNamingTheField()
    {
        ReplayInput input = ReplayInputLoader.Load("edited.pcapng", EditedCapture(out _));
        ReplayExchangeResult result = ReplayRunner.Run(Assert.Single(input.Exchanges));
        Assert.Equal(ReplayVerdict.Fail, result.Verdict);
        ReplayPduResult client = Assert.Single(result.Pdus, p => p.Verdict == ReplayVerdict.Fail);
        FieldDifference difference = Assert.Single(client.Differences, d => !d.IsTolerated);
        Assert.Equal("PreferredKeyExchangeAlg", difference.Field);
        Assert.Equal(PreferredKeyExchangeAlgOffset, difference.Offset);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(difference.Captured.Span));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(difference.Ours.Span));
    }

    [Fact]
    public async Task ReplayCommandPrintsTheHexDiffAndExitsWithOne()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tsthinlic-edited-{Environment.ProcessId}.pcapng");
        try
        {
            File.WriteAllBytes(path, EditedCapture(out _));
            var (exitCode, output, _) = await HostRunner.RunAsync("replay", path);
            Assert.Equal(1, exitCode);
            Assert.Contains("MISMATCH PreferredKeyExchangeAlg at offset 8", output, StringComparison.Ordinal);
            Assert.Contains("captured: 02 00 00 00", output, StringComparison.Ordinal);
            Assert.Contains("ours:     01 00 00 00", output, StringComparison.Ordinal);
            Assert.Contains("0 passed, 1 failed", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OneByteEditedInAByteExactTranscriptFailsOnTheCiphertextField()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", "new-license-with-challenge.transcript"));
        Assert.True(TranscriptFormat.TryParse("t", text, out IReadOnlyList<ReplayExchange> exchanges, out string? error), error);
        ReplayExchange original = Assert.Single(exchanges);
        // Flip the last byte of the PLATFORM_CHALLENGE_RESPONSE: its MACData.
        var pdus = original.Pdus.ToList();
        int index = pdus.FindLastIndex(p => p.Direction == CaptureDirection.ClientToServer);
        byte[] bytes = pdus[index].Bytes.ToArray();
        bytes[^1] ^= 0x01;
        pdus[index] = pdus[index] with { Bytes = bytes };
        var edited = new ReplayExchange(original.Source, original.Name, pdus, original.Secrets, original.ExpectedOutcome);
        ReplayExchangeResult result = ReplayRunner.Run(edited);
        Assert.Equal(ReplayVerdict.Fail, result.Verdict);
        FieldDifference difference = Assert.Single(result.Pdus[index].Differences);
        Assert.Equal("MACData", difference.Field);
        Assert.False(difference.IsTolerated);
    }

    [Fact]
    public void TolerancesDoNotApplyToEmulatorTranscripts()
    {
        // The same preamble difference FreeRDP gets away with fails when the captured client was ours.
        byte[] ours = new ClientNewLicenseRequest(new LicensePreamble(LicensingMessageType.NewLicenseRequest, 0x82, 0), null, 1, 0x04010000, new byte[32], new LicenseBinaryBlob(BinaryBlobType.Random, new byte[72]), "u", "m").ToArray();
        byte[] captured = (byte[])ours.Clone();
        captured[1] = 0x83;
        Assert.False(Assert.Single(ReplayComparer.Compare(ours, captured, exact: false, tolerant: false)).IsTolerated);
        Assert.True(Assert.Single(ReplayComparer.Compare(ours, captured, exact: false, tolerant: true)).IsTolerated);
        captured[1] = 0x93;
        Assert.False(Assert.Single(ReplayComparer.Compare(ours, captured, exact: false, tolerant: true)).IsTolerated);
    }
}
