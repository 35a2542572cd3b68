using BenchmarkDotNet.Attributes;
using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Benchmarks;

/// <summary>
/// What decryption costs a replay: each TLS capture of the keyed corpus (fixtures/captures/keyed) replayed from its
/// bytes with its key log, against the same exchange in clear (<see cref="ClearTwin"/>, the baseline); "corpus" is
/// every TLS capture with licensing, key log files and Decryption Secrets Blocks alike, against their clear twins.
/// The Ratio column is the answer: how many times a clear replay a decrypted one takes.
/// </summary>
[MemoryDiagnoser]
public class TlsReplayBenchmarks
{
    private List<(string Path, byte[] Bytes, DecryptionKeys Keys)> _tls = [];
    private List<(string Path, byte[] Bytes)> _clear = [];

    [Params("freerdp-xrdp-tls13", "probe-xrdp-tls12", "corpus")]
    public string Capture { get; set; } = "corpus";

    [GlobalSetup]
    public void Setup()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "keyed");
        string[] names = Capture == "corpus" ? ["freerdp-xrdp-tls13", "probe-xrdp-tls12"] : [Capture];
        foreach (string name in names)
        {
            if (!DecryptionKeys.TryLoad([Path.Combine(folder, name + ".keylog")], [], [], out DecryptionKeys keys, out string error))
            {
                throw new InvalidOperationException(error);
            }

            byte[] capture = File.ReadAllBytes(Path.Combine(folder, name + ".pcapng"));
            _tls.Add((name + ".pcapng", capture, keys));
            _clear.Add((name + ".clear.pcap", ClearTwin.Of(capture, keys)));
            if (Capture == "corpus")
            {
                _tls.Add((name + ".dsb.pcapng", File.ReadAllBytes(Path.Combine(folder, name + ".dsb.pcapng")), DecryptionKeys.None));
                _clear.Add((name + ".clear.pcap", ClearTwin.Of(capture, keys)));
            }
        }

        // Both sides must replay the same exchanges with the same verdicts, or the ratio compares different work.
        if (ReplayAll(_tls.Select(t => (t.Path, t.Bytes, t.Keys))) != _tls.Count || ReplayAll(_clear.Select(c => (c.Path, c.Bytes, DecryptionKeys.None))) != _clear.Count)
        {
            throw new InvalidOperationException("every capture and every clear twin must hold one passing exchange");
        }
    }

    /// <summary>The same exchanges in clear: capture reading, reassembly, analysis, replay.</summary>
    [Benchmark(Baseline = true)]
    public int ReplayInClear() => ReplayAll(_clear.Select(c => (c.Path, c.Bytes, DecryptionKeys.None)));

    /// <summary>The TLS captures with their key logs: the same plus TLS record decryption and the Finished checks.</summary>
    [Benchmark]
    public int ReplayTlsWithKeyLog() => ReplayAll(_tls.Select(t => (t.Path, t.Bytes, t.Keys)));

    private static int ReplayAll(IEnumerable<(string Path, byte[] Bytes, DecryptionKeys Keys)> files)
    {
        int passed = 0;
        foreach ((string path, byte[] bytes, DecryptionKeys keys) in files)
        {
            foreach (ReplayExchange exchange in ReplayInputLoader.Load(path, bytes, keys).Exchanges)
            {
                passed += ReplayRunner.Run(exchange).Verdict == ReplayVerdict.Pass ? 1 : 0;
            }
        }

        return passed;
    }
}
