using System.Globalization;
using System.Net;
using BenchmarkDotNet.Running;

namespace TsThinLic.Benchmarks;

internal static class Program
{
    /// <summary>
    /// BenchmarkDotNet's switcher, or <c>proxy LISTEN_PORT TARGET_PORT DELAY_MS</c>: the delaying TCP proxy the
    /// round-trip measurement of probe-vs-freerdp.sh runs (on 127.0.0.1, until killed), or <c>serve-load ...</c>: the
    /// load serve-load.sh puts on `tsthinlic serve` (<see cref="ServeLoad"/>).
    /// </summary>
    public static async Task Main(string[] args)
    {
        if (args is ["proxy", var listen, var target, var delay])
        {
            await using var proxy = new DelayingTcpProxy(
                new IPEndPoint(IPAddress.Loopback, int.Parse(target, CultureInfo.InvariantCulture)),
                TimeSpan.FromMilliseconds(double.Parse(delay, CultureInfo.InvariantCulture)),
                int.Parse(listen, CultureInfo.InvariantCulture));
            proxy.Start();
            Console.WriteLine($"proxy listening on 127.0.0.1:{proxy.Port}");
            await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
            return;
        }

        if (args is ["serve-load", ..] && args.Length >= 5)
        {
            Environment.ExitCode = await ServeLoad.RunAsync(args).ConfigureAwait(false);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
