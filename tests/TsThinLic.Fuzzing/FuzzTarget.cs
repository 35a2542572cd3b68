namespace TsThinLic.Fuzzing;

/// <summary>
/// One decoder of outside bytes under the fuzzer. <see cref="Execute"/> is what libFuzzer (through SharpFuzz) and the
/// regression tests call: it returns when every invariant held and throws <see cref="FuzzInvariantException"/> (or the
/// undocumented exception itself) when one broke.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>
    /// When set, told every measured allocation (what, bytes allocated, input length, budget): the runner's
    /// <c>--measure</c> mode prints them to calibrate and document each target's budget.
    /// </summary>
    public static Action<string, long, int, long>? AllocationObserver { get; set; }

    /// <summary>The name tests/fuzz/run.sh and the regression folder use.</summary>
    public abstract string Name { get; }

    /// <summary>The API under test, for the run's report.</summary>
    public abstract string Covers { get; }

    /// <summary>libFuzzer's -max_len: a little over the largest input the decoder accepts, or what is worth mutating.</summary>
    public virtual int MaxInputLength => 64 * 1024;

    /// <summary>Runs one input through the target and checks its invariants.</summary>
    public void Execute(ReadOnlySpan<byte> input)
    {
        try
        {
            Run(input);
        }
        catch (FuzzInvariantException e) when (e.Invariant == FuzzInvariant.Allocation)
        {
            // The first run of a path also pays for its one-time static initialisation (lookup tables, cached
            // encodings); the decoders are deterministic, so the same input again measures the decoder alone.
            Run(input);
        }
    }

    /// <summary>The starting corpus, read from fixtures/ (and ../shared when present) at run time.</summary>
    public abstract IEnumerable<FuzzSeed> Seeds(SeedSources sources);

    /// <summary>Decodes <paramref name="input"/> and checks the invariants.</summary>
    protected abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>A mark for <see cref="CheckAllocated"/>: bytes this thread allocated so far.</summary>
    protected static long AllocationMark() => GC.GetAllocatedBytesForCurrentThread();

    /// <summary>Throws when more than <paramref name="budget"/> bytes were allocated on this thread since the mark.</summary>
    protected void CheckAllocated(long mark, long budget, string what, int inputLength)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - mark;
        AllocationObserver?.Invoke($"{Name}: {what}", allocated, inputLength, budget);
        if (allocated > budget)
        {
            throw Broken(FuzzInvariant.Allocation, $"{what} allocated {allocated} bytes for {inputLength} input bytes; its stated maximum is {budget}");
        }
    }

    protected FuzzInvariantException Broken(FuzzInvariant invariant, string message, Exception? inner = null) => new(Name, invariant, message, inner);

    /// <summary>Throws a <see cref="FuzzInvariant.RoundTrip"/> failure unless the two byte strings are equal.</summary>
    protected void CheckSameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw Broken(FuzzInvariant.RoundTrip, $"{what}: {Abbreviated(expected)} became {Abbreviated(actual)}");
        }
    }

    private static string Abbreviated(ReadOnlySpan<byte> bytes)
        => bytes.Length <= 256 ? Convert.ToHexStringLower(bytes) : $"{Convert.ToHexStringLower(bytes[..256])}… ({bytes.Length} bytes)";

    /// <summary>A decode failure must name its field, at an offset inside the input.</summary>
    protected void CheckDecodeError(TsThinLic.Pdu.DecodeError error, int inputLength)
    {
        Check(!string.IsNullOrEmpty(error.Field), $"a failure that names no field: {error}");
        Check(error.Offset >= 0 && error.Offset <= inputLength, $"a failure at offset {error.Offset}, outside the {inputLength}-byte input: {error}");
    }

    /// <summary>Throws a <see cref="FuzzInvariant.Contract"/> failure unless <paramref name="condition"/> holds.</summary>
    protected void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw Broken(FuzzInvariant.Contract, message);
        }
    }
}
