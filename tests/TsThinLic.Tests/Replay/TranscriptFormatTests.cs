using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>The transcript format: round trip, and a line number for every problem.</summary>
public sealed class TranscriptFormatTests
{
    [Fact]
    public void WriteThenParseGivesTheSameExchange()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", "license-info-upgrade.transcript"));
        Assert.True(TranscriptFormat.TryParse("a", text, out IReadOnlyList<ReplayExchange> first, out string? error), error);
        string again = TranscriptFormat.Write(first);
        Assert.True(TranscriptFormat.TryParse("a", again, out IReadOnlyList<ReplayExchange> second, out error), error);
        ReplayExchange a = Assert.Single(first);
        ReplayExchange b = Assert.Single(second);
        Assert.Equal(a.Pdus.Select(p => (p.Direction, Convert.ToHexString(p.Bytes.Span))), b.Pdus.Select(p => (p.Direction, Convert.ToHexString(p.Bytes.Span))));
        Assert.Equal(a.Secrets.HardwareId, b.Secrets.HardwareId);
        Assert.Equal(a.Secrets.StoredLicenses.Single().Key, b.Secrets.StoredLicenses.Single().Key);
        Assert.Equal(a.ExpectedOutcome, b.ExpectedOutcome);
    }

    [Theory]
    [InlineData("not a transcript", "line 1")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nserver zz", "line 3")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nbogus 1", "line 3: unknown keyword 'bogus'")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nclient-random 0011\nserver 00", "line 3: client-random must be 32 bytes")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nexpect maybe\nserver 00", "line 3: expect 'maybe'")]
    [InlineData("tsthinlic-transcript 1\nexchange empty\nexchange y\nserver 00", "line 2: exchange 'empty' has no server or client PDU")]
    [InlineData("tsthinlic-transcript 1\nstored-cal 0x1 scope\n    00", "line 2: stored-cal takes")]
    public void ProblemsNameTheLine(string text, string expected)
    {
        Assert.False(TranscriptFormat.TryParse("t", text, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HexContinuesOnIndentedLinesAndCommentsAreSkipped()
    {
        string text = "# hand-written\ntsthinlic-transcript 1\nexchange one\n# the server's alert\nserver\n    80000000ff031000\n    07000000 02000000\n    04000000\n";
        Assert.True(TranscriptFormat.TryParse("t", text, out IReadOnlyList<ReplayExchange> exchanges, out string? error), error);
        ReplayPdu pdu = Assert.Single(Assert.Single(exchanges).Pdus);
        Assert.Equal(CaptureDirection.ServerToClient, pdu.Direction);
        Assert.Equal(20, pdu.Bytes.Length);
        Assert.Equal(ReplayVerdict.Pass, ReplayRunner.Run(exchanges[0]).Verdict);
    }
}
