using System.Diagnostics;
using System.Globalization;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Connection;
using TsThinLic.Storage;

namespace TsThinLic.Benchmarks;

/// <summary>
/// The load that serve-load.sh puts on <c>tsthinlic serve</c>: <c>serve-load PORT SECURITY CONNECTIONS CONCURRENCY
/// [returning]</c> runs the probe's own connection sequence (<see cref="RdpProbe"/>, the library under `tsthinlic probe`,
/// without a process per connection) against 127.0.0.1:PORT, CONCURRENCY at a time, until CONNECTIONS completed. Each
/// connection is a new device (an empty store: a new HWID, the platform challenge, a CAL issued) unless "returning",
/// where each worker keeps its store so that every connection after its first presents the CAL (LICENSE_INFO). One
/// JSON line: the rate through licensing and the server's verdict, the latency percentiles, the failures.
/// </summary>
internal static class ServeLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        ProbeSecurity security = args[2] switch { "rdp" => ProbeSecurity.Rdp, "tls" => ProbeSecurity.Tls, _ => ProbeSecurity.Auto };
        int total = int.Parse(args[3], CultureInfo.InvariantCulture);
        int concurrency = int.Parse(args[4], CultureInfo.InvariantCulture);
        bool returning = args.Length > 5 && args[5] == "returning";
        var options = new RdpProbeOptions { Security = security, Timeout = TimeSpan.FromSeconds(30), VerdictTimeout = TimeSpan.FromSeconds(10) };

        int next = 0;
        int failures = 0;
        string? firstFailure = null;
        var latencies = new double[total];
        var clock = Stopwatch.StartNew();
        var workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                var store = new MemoryLicenseStore();
                while (true)
                {
                    int index = Interlocked.Increment(ref next) - 1;
                    if (index >= total)
                    {
                        return;
                    }

                    ILicenseStore used = returning ? store : new MemoryLicenseStore();
                    long start = Stopwatch.GetTimestamp();
                    ProbeResult result = await new RdpProbe(used, SystemRandomSource.Instance, TimeProvider.System, options).RunAsync("127.0.0.1", port).ConfigureAwait(false);
                    latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (!result.Accepted)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, $"{result.Outcome} {result.Failure?.Reason} {result.Failure?.Message} {result.Verdict?.PduName}", null);
                    }
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(total - 1, (int)Math.Ceiling(p * total) - 1)];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"security\":\"{args[2]}\",\"connections\":{total},\"concurrency\":{concurrency},\"returning\":{(returning ? "true" : "false")},\"seconds\":{seconds:F3},\"perSecond\":{total / seconds:F1},\"p50Ms\":{Percentile(0.5):F1},\"p95Ms\":{Percentile(0.95):F1},\"maxMs\":{latencies[^1]:F1},\"failures\":{failures},\"firstFailure\":{(firstFailure is null ? "null" : "\"" + firstFailure.Replace("\"", "'", StringComparison.Ordinal) + "\"")}}}"));
        return failures == 0 ? 0 : 1;
    }
}
