using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>Every file under fixtures/captures and fixtures/transcripts is replayed; each must pass.</summary>
public sealed class FixtureCorpusTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Files())
        {
            data.Add(file);
        }

        return data;
    }

    private static List<string> Files()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "fixtures");
        return ReplayInputLoader.Expand([Path.Combine(root, "captures"), Path.Combine(root, "transcripts")]).Select(f => Path.GetRelativePath(root, f)).ToList();
    }

    [Fact]
    public void TheCorpusHasCapturesAndTranscripts()
    {
        var files = Files();
        Assert.True(files.Count(f => f.StartsWith("captures", StringComparison.Ordinal)) >= 5);
        Assert.True(files.Count(f => f.StartsWith("transcripts", StringComparison.Ordinal)) >= 15);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void EveryExchangePasses(string relativePath)
    {
        ReplayInput input = ReplayInputLoader.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath));
        Assert.Null(input.Error);
        ReplayReport report = ReplayReport.Run([input]);
        if (relativePath.Contains("tls", StringComparison.Ordinal))
        {
            // Licensing inside TLS is not visible: reported as such, never silently skipped.
            Assert.Empty(input.Exchanges);
            Assert.Contains(input.Notices, n => n.Contains("TLS", StringComparison.Ordinal));
            return;
        }

        Assert.NotEmpty(report.Results);
        foreach (ReplayExchangeResult result in report.Results)
        {
            Assert.True(result.Verdict == ReplayVerdict.Pass, $"{result.Exchange.Name}: {string.Join("; ", result.Problems.Concat(result.Pdus.Select(p => $"{p.Index} {p.MessageType} {p.Verdict}: {p.Detail}")))}");
        }

        if (input.Format == "transcript")
        {
            // Generated with known randoms: byte for byte, not one difference, tolerated or not.
            ReplayExchangeResult result = Assert.Single(report.Results);
            Assert.Equal("byte-exact", result.Comparison);
            Assert.All(result.Pdus, p => Assert.Empty(p.Differences));
            Assert.All(result.Pdus, p => Assert.Equal(ReplayVerdict.Pass, p.Verdict));
        }
    }

    [Fact]
    public void CapturedCalIsSeededSoOurClientAlsoSendsLicenseInfo()
    {
        ReplayInput input = ReplayInputLoader.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "xrdp-rdp-none-cal.pcapng"));
        ReplayExchange exchange = Assert.Single(input.Exchanges);
        Assert.Single(exchange.Secrets.StoredLicenses);
        ReplayExchangeResult result = ReplayRunner.Run(exchange);
        ReplayPduResult client = Assert.Single(result.Pdus, p => p.Direction == CaptureDirection.ClientToServer);
        Assert.Equal("LICENSE_INFO", client.MessageType);
        Assert.Equal(ReplayVerdict.Pass, client.Verdict);
        // FreeRDP writes preamble 0x83 to xrdp's version-2 LICENSE_REQUEST, and so does ours (as mstsc does): no
        // difference left, tolerated or not.
        Assert.Empty(client.Differences);
    }

    [Fact]
    public void EncryptedClientPduIsUnsupportedNotPassed()
    {
        ReplayInput input = ReplayInputLoader.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "xrdp-rdp-fips.pcapng"));
        ReplayExchangeResult result = ReplayRunner.Run(Assert.Single(input.Exchanges));
        ReplayPduResult client = Assert.Single(result.Pdus, p => p.Direction == CaptureDirection.ClientToServer);
        Assert.Equal("encrypted", client.MessageType);
        Assert.Equal(ReplayVerdict.Unsupported, client.Verdict);
        Assert.Contains("SEC_ENCRYPT", string.Join(" ", result.Exchange.Notes), StringComparison.Ordinal);
    }
}
