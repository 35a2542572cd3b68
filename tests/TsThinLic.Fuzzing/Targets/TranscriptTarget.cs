using TsThinLic.Replay;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// The transcript format (<c>replay FILE.transcript</c>): <see cref="ReplayInputLoader.Load(string, ReadOnlyMemory{byte})"/>
/// parses it, and <see cref="ReplayRunner.Run"/> replays every exchange through a real client, as <c>replay</c> does.
/// </summary>
/// <remarks>
/// Invariants: nothing throws (the loader never throws on file contents, the runner never on an exchange the parser
/// accepted); parsing allocates at most 32 bytes per input byte plus 64 KiB (text as UTF-16, hex decoded,
/// exchanges; the fixtures take 16 to 19); parsed exchanges written back
/// (<see cref="TranscriptFormat.Write"/>) parse again and write the same text.
/// </remarks>
public sealed class TranscriptTarget : FuzzTarget
{
    private const int FixedAllowance = 64 * 1024;
    private const int MaxReplayedExchanges = 4;

    public override string Name => "transcript";

    public override string Covers => "ReplayInputLoader.Load (TranscriptFormat.TryParse), TranscriptFormat.Write, ReplayRunner.Run";

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
        => sources.Fixtures("transcripts", "*.transcript").Select(SeedSources.FromFile);

    protected override void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        long mark = AllocationMark();
        ReplayInput loaded = ReplayInputLoader.Load("fuzz.transcript", bytes);
        CheckAllocated(mark, (32L * input.Length) + FixedAllowance, "ReplayInputLoader.Load", input.Length);
        Check(loaded.Error is null || loaded.Exchanges.Count == 0, "an input with an error and exchanges");
        if (loaded.Exchanges.Count == 0)
        {
            return;
        }

        string written = TranscriptFormat.Write(loaded.Exchanges);
        Check(TranscriptFormat.TryParse("fuzz.transcript", written, out IReadOnlyList<ReplayExchange> again, out string? error), $"parse→write→parse failed: {error}");
        string rewritten = TranscriptFormat.Write(again);
        Check(written == rewritten, $"parse→write→parse→write changed the text:\n{written}\n---\n{rewritten}");

        foreach (ReplayExchange exchange in loaded.Exchanges.Take(MaxReplayedExchanges))
        {
            ReplayExchangeResult result = ReplayRunner.Run(exchange);
            _ = result.Verdict;
        }
    }
}
