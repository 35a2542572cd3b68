using Xunit;

namespace TsThinLic.Tests.Replay;

/// <summary>fixtures/transcripts holds exactly what <see cref="TranscriptCorpus"/> generates (rewritten when TSTHINLIC_WRITE_TRANSCRIPTS=1).</summary>
public sealed class TranscriptCorpusTests
{
    public static TheoryData<string> ScenarioNames()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in TranscriptCorpus.Scenarios())
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void CommittedTranscriptIsWhatTheGeneratorWrites(string name)
    {
        var scenario = TranscriptCorpus.Scenarios().Single(s => s.Name == name);
        string generated = TranscriptCorpus.Generate(scenario.Name, scenario.Script, scenario.HoldsCal, scenario.Comment);
        string fileName = name + ".transcript";
        if (Environment.GetEnvironmentVariable(TranscriptCorpus.WriteVariable) == "1")
        {
            File.WriteAllText(Path.Combine(RepositoryRoot(), "fixtures", "transcripts", fileName), generated);
        }

        string committed = Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", fileName);
        Assert.True(File.Exists(committed), $"fixtures/transcripts/{fileName} is missing: run the tests with {TranscriptCorpus.WriteVariable}=1");
        Assert.Equal(generated.ReplaceLineEndings("\n"), File.ReadAllText(committed).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void EveryCommittedTranscriptHasAScenario()
    {
        var names = TranscriptCorpus.Scenarios().Select(s => s.Name + ".transcript").ToHashSet();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts"), "*.transcript"))
        {
            Assert.Contains(Path.GetFileName(file), names);
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TsThinLic.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("TsThinLic.sln not found above the test folder");
    }
}
