using BenchmarkDotNet.Attributes;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay;

namespace TsThinLic.Benchmarks;

/// <summary>
/// Replay throughput over the whole fixture corpus (fixtures/captures and fixtures/transcripts): the full pipeline
/// from file bytes (pcapng reading, TCP reassembly, transcript parsing, replay with comparison), the replay alone on
/// parsed exchanges, and capture analysis alone. Exchanges per second = <see cref="CorpusExchanges"/> / mean time.
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private List<(string Path, byte[] Bytes)> _files = [];
    private List<ReplayExchange> _exchanges = [];

    /// <summary>Exchanges in the corpus (printed in setup; divide by the mean time for exchanges per second).</summary>
    public int CorpusExchanges => _exchanges.Count;

    [GlobalSetup]
    public void Setup()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "fixtures");
        _files = ReplayInputLoader.Expand([Path.Combine(root, "captures"), Path.Combine(root, "transcripts")])
            .Select(path => (path, File.ReadAllBytes(path)))
            .ToList();
        _exchanges = _files.SelectMany(f => ReplayInputLoader.Load(f.Path, f.Bytes).Exchanges).ToList();
        Console.WriteLine($"// corpus: {_files.Count} files, {_exchanges.Count} exchanges");
    }

    /// <summary>Everything a `tsthinlic replay fixtures/*` run does, minus printing.</summary>
    [Benchmark(Baseline = true)]
    public int ParseAndReplayCorpus()
    {
        int passed = 0;
        foreach (var (path, bytes) in _files)
        {
            foreach (ReplayExchange exchange in ReplayInputLoader.Load(path, bytes).Exchanges)
            {
                passed += ReplayRunner.Run(exchange).Verdict == ReplayVerdict.Pass ? 1 : 0;
            }
        }

        return passed;
    }

    /// <summary>Replay and comparison only, on exchanges parsed once.</summary>
    [Benchmark]
    public int ReplayParsedExchanges()
    {
        int passed = 0;
        foreach (ReplayExchange exchange in _exchanges)
        {
            passed += ReplayRunner.Run(exchange).Verdict == ReplayVerdict.Pass ? 1 : 0;
        }

        return passed;
    }

    /// <summary>pcapng reading, TCP reassembly and licensing PDU extraction for the captures only.</summary>
    [Benchmark]
    public int AnalyzeCaptures()
    {
        int pdus = 0;
        foreach (var (_, bytes) in _files)
        {
            if (CaptureFileReader.IsCaptureFile(bytes))
            {
                pdus += CaptureAnalyzer.Analyze(bytes).Connections.Sum(c => c.Pdus.Count);
            }
        }

        return pdus;
    }
}
