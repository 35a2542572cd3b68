using TsThinLic.Replay;
using TsThinLic.Tests.Replay;
using Xunit;

namespace TsThinLic.Tests.Native;

/// <summary>fixtures/native/lifecycle.transcript is what <see cref="LifecycleTranscript"/> generates, and replays in managed code too.</summary>
public sealed class LifecycleTranscriptTests
{
    [Fact]
    public void CommittedTranscriptIsWhatTheGeneratorWrites()
    {
        string generated = LifecycleTranscript.Generate();
        if (Environment.GetEnvironmentVariable(TranscriptCorpus.WriteVariable) == "1")
        {
            File.WriteAllText(Path.Combine(TranscriptCorpusTests.RepositoryRoot(), LifecycleTranscript.RelativePath), generated);
        }

        string committed = Path.Combine(AppContext.BaseDirectory, LifecycleTranscript.RelativePath);
        Assert.True(File.Exists(committed), $"{LifecycleTranscript.RelativePath} is missing: run the tests with {TranscriptCorpus.WriteVariable}=1");
        Assert.Equal(generated.ReplaceLineEndings("\n"), File.ReadAllText(committed).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void EveryExchangeReplaysByteForByteFromItsOwnSecrets()
    {
        Assert.True(TranscriptFormat.TryParse("lifecycle", LifecycleTranscript.Generate(), out IReadOnlyList<ReplayExchange> exchanges, out string? error), error);

        Assert.Equal(["first-cal", "upgrade", "second-cal"], exchanges.Select(e => e.Name));
        Assert.All(exchanges, exchange =>
        {
            ReplayExchangeResult result = ReplayRunner.Run(exchange);
            Assert.True(result.Verdict == ReplayVerdict.Pass, $"{exchange.Name}: {result.Outcome}; {string.Join("; ", result.Problems)}");
            Assert.Equal("byte-exact", result.Comparison);
        });
        // The second CAL is another scope's: the device then holds two, and the upgrade kept the first one's key.
        Assert.Single(exchanges[1].Secrets.StoredLicenses);
        Assert.Single(exchanges[2].Secrets.StoredLicenses);
    }
}
