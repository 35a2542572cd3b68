using TsThinLic.Fuzzing;
using Xunit;

namespace TsThinLic.Tests.Fuzzing;

/// <summary>
/// The fuzzing's findings kept as an ordinary test (as IronRDP keeps its fuzz crashes): every input libFuzzer ever
/// crashed on (FuzzRegressions/TARGET/, copied there by tests/fuzz/run.sh) goes through the same target code, without
/// libFuzzer or instrumentation, and must now hold every invariant; so must every seed of every target.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "FuzzRegressions");

    public static TheoryData<string, string> Regressions()
    {
        var data = new TheoryData<string, string>();
        foreach (string directory in Directory.GetDirectories(s_folder).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(directory), Path.GetFileName(file));
            }
        }

        return data;
    }

    public static TheoryData<string> Targets() => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Regressions))]
    public void ACrashFoundByFuzzingHoldsEveryInvariantNow(string target, string file)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(s_folder, target, file));

        FuzzTargets.Get(target).Execute(input);
    }

    [Fact]
    public void EveryRegressionFolderIsATarget()
    {
        string[] folders = [.. Directory.GetDirectories(s_folder).Select(Path.GetFileName)!];

        Assert.All(folders, folder => Assert.Contains(folder, FuzzTargets.All.Select(t => t.Name)));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void EverySeedHoldsEveryInvariant(string name)
    {
        FuzzTarget target = FuzzTargets.Get(name);
        FuzzSeed[] seeds = [.. target.Seeds(SeedSources.Locate(AppContext.BaseDirectory))];

        Assert.NotEmpty(seeds);
        Assert.All(seeds, seed => target.Execute(seed.Bytes));
    }

    [Fact]
    public void TheTargetsCatchWhatTheyClaimTo()
    {
        // A target that cannot fail guards nothing: an input that is over a budget or does not round trip must throw.
        var target = new Probe();

        Assert.Equal(FuzzInvariant.Allocation, Assert.Throws<FuzzInvariantException>(() => target.Execute([1])).Invariant);
        Assert.Equal(FuzzInvariant.RoundTrip, Assert.Throws<FuzzInvariantException>(() => target.Execute([2])).Invariant);
        Assert.Equal(FuzzInvariant.Contract, Assert.Throws<FuzzInvariantException>(() => target.Execute([3])).Invariant);
        target.Execute([0]);
    }

    [Fact]
    public void AFirstRunThatPaysForStaticInitialisationIsMeasuredAgain()
    {
        var target = new Probe();

        target.Execute([4]);

        Assert.Equal(2, target.Runs);
    }

    private sealed class Probe : FuzzTarget
    {
        public override string Name => "probe";

        public override string Covers => "the base class's checks";

        public int Runs { get; private set; }

        public override IEnumerable<FuzzSeed> Seeds(SeedSources sources) => [];

        protected override void Run(ReadOnlySpan<byte> input)
        {
            Runs++;
            long mark = AllocationMark();
            byte[] allocated = new byte[input[0] == 1 || (input[0] == 4 && Runs == 1) ? 4096 : 0];
            CheckAllocated(mark, 1024, "probe", allocated.Length);
            CheckSameBytes([1], input[0] == 2 ? [2] : [1], "probe");
            Check(input[0] != 3, "probe");
        }
    }
}
