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
    [InlineData("user\n\n\nbe", "THIN", true)] // found by fuzzing (FuzzRegressions/capture/crash-cadbb3a4…): a captured name with line feeds
    [InlineData("alice", " THIN01 ", false)]
    [InlineData("a\rb", "m\tc", true)]
    [InlineData("x\u2028y", "DOMAIN\\machine\u0085", true)]
    [InlineData("plain name", "plain-machine", false)]
    public void ANameFromOutsideSurvivesTheTranscriptExactly(string user, string machine, bool userInHex)
    {
        var exchange = new ReplayExchange("t", "one", [new ReplayPdu(CaptureDirection.ServerToClient, new byte[] { 0x80, 0, 0, 0, 0xff, 0x03, 0x10, 0, 0x07, 0, 0, 0, 0x02, 0, 0, 0, 0x04, 0, 0, 0 })], new ReplaySecrets { UserName = user, MachineName = machine });

        string text = TranscriptFormat.Write([exchange]);

        Assert.True(TranscriptFormat.TryParse("t", text, out IReadOnlyList<ReplayExchange> parsed, out string? error), error);
        Assert.Equal(user, Assert.Single(parsed).Secrets.UserName);
        Assert.Equal(machine, parsed[0].Secrets.MachineName);
        Assert.Equal(userInHex, text.Contains("\nuser-hex ", StringComparison.Ordinal)); // a plain name stays readable
    }

    [Theory]
    [InlineData("tsthinlic-transcript 1\nexchange x\nuser-hex 4g\nserver 00", "line 3: user-hex '4g' is not hex")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nmachine-hex ff\nserver 00", "line 3: machine-hex is not UTF-8")]
    [InlineData("tsthinlic-transcript 1\nexchange x\nuser-hex 610062\nserver 00", "line 3: user holds a NUL character")]
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
