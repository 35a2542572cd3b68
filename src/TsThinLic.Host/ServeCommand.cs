using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Emulator.Serving;
using TsThinLic.Rdp;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic serve</c>: a license server in a box. An RDP server that runs the connection sequence up to licensing
/// (Standard RDP Security in every method, or TLS), licenses every client from the emulated license server and its pool
/// of per-device CALs, then sends Demand Active (or the Set Error Info the script asks for) and disconnects. The pool's
/// books persist in <c>--state</c>; the clock can be moved (<c>--now</c>, <c>--days-offset</c>); each connection writes
/// one JSON line. It binds to loopback unless an address is given and bounds every connection.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var listenOption = new Option<string>("--listen") { Description = "ADDRESS:PORT to listen on (loopback unless an address is given; port 0 picks a free one).", DefaultValueFactory = _ => "127.0.0.1:3389" };
        var securityOption = new Option<string>("--security") { Description = "rdp (Standard RDP Security), tls, or negotiate (TLS when the client asks for it).", DefaultValueFactory = _ => "negotiate" };
        securityOption.AcceptOnlyFromAmong("rdp", "tls", "negotiate");
        var encryptionOption = new Option<string>("--encryption") { Description = "Standard RDP Security method: none, 40, 56, 128 or fips.", DefaultValueFactory = _ => "128" };
        encryptionOption.AcceptOnlyFromAmong("none", "40", "56", "128", "fips");
        var certificateOption = new Option<string>("--certificate") { Description = "Server certificate: proprietary (512-bit, signed with the TS key) or x509 (a chain, as Windows Server 2008+ sends).", DefaultValueFactory = _ => "proprietary" };
        certificateOption.AcceptOnlyFromAmong("proprietary", "x509");
        var poolOption = new Option<int>("--pool") { Description = "Permanent per-device CALs installed.", DefaultValueFactory = _ => 10 };
        var stateOption = new Option<string?>("--state") { Description = "File keeping the pool's books between runs (written atomically)." };
        var nowOption = new Option<string?>("--now") { Description = "The server's date at start (ISO 8601, UTC): time runs on from there." };
        var daysOption = new Option<double?>("--days-offset") { Description = "Move the server's clock this many days from today." };
        var scriptOption = new Option<string?>("--script") { Description = "JSON plans per connection: scripted error code × transition, no logon, Set Error Info." };
        var jsonLogOption = new Option<string>("--json-log") { Description = "Where each connection's JSON line goes: a file (appended), or - for standard output.", DefaultValueFactory = _ => "-" };
        var strictOption = new Option<bool>("--strict") { Description = "Refuse clients outside the spec (rdesktop's zero premaster, bare challenge echo) with ERR_INVALID_CLIENT." };
        var maxOption = new Option<int>("--max-connections") { Description = "Connections served at once (more wait).", DefaultValueFactory = _ => 128 };
        var timeoutOption = new Option<double>("--timeout") { Description = "Seconds a connection may last.", DefaultValueFactory = _ => 30 };
        var idleOption = new Option<double>("--idle-timeout") { Description = "Seconds the server waits for the client's next bytes.", DefaultValueFactory = _ => 10 };
        var exitAfterOption = new Option<long?>("--exit-after") { Description = "Stop after this many connections (scripts and CI)." };
        var secretsOption = new Option<string?>("--record-secrets") { Description = "Write each connection's licensing client random and premaster secret to DIR/connection-N.secrets.json, so a capture replays (key material: test servers only)." };

        var command = new Command("serve", "Run an RDP server that licenses clients from the emulated license server and its pool (a license server in a box for QA).");
        foreach (Option option in (Option[])[listenOption, securityOption, encryptionOption, certificateOption, poolOption, stateOption, nowOption, daysOption, scriptOption, jsonLogOption, strictOption, maxOption, timeoutOption, idleOption, exitAfterOption, secretsOption])
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseEndPoint(parseResult.GetValue(listenOption)!, out IPEndPoint? endPoint))
            {
                await error.WriteLineAsync("--listen must be ADDRESS:PORT (an IP address, port 0-65535)").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            int pool = parseResult.GetValue(poolOption);
            int max = parseResult.GetValue(maxOption);
            double timeout = parseResult.GetValue(timeoutOption);
            double idle = parseResult.GetValue(idleOption);
            if (pool is < 0 or > 1_000_000 || max is < 1 or > 10_000 || !(timeout is > 0 and <= 3600) || !(idle is > 0 and <= 3600))
            {
                await error.WriteLineAsync("--pool must be 0 to 1000000, --max-connections 1 to 10000, --timeout and --idle-timeout between 0 and 3600 seconds").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            if (!TryCreateClock(parseResult.GetValue(nowOption), parseResult.GetValue(daysOption), out TimeProvider? clock, out string clockError))
            {
                await error.WriteLineAsync(clockError).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            ServeScript? script = null;
            if (parseResult.GetValue(scriptOption) is { } scriptPath && !ServeScript.TryRead(scriptPath, out script, out string scriptError))
            {
                await error.WriteLineAsync($"--script: {scriptError}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            var licensePool = new EmulatedLicensePool(pool, clock!, SystemRandomSource.Instance);
            string? statePath = parseResult.GetValue(stateOption) is { } state ? Path.GetFullPath(state) : null;
            IDisposable? stateLock = null;
            if (statePath is not null)
            {
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(statePath)!);
                    stateLock = StoreFileLock.Acquire(statePath + ".lock", TimeSpan.FromSeconds(1));
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or LicenseStoreException)
                {
                    await error.WriteLineAsync($"--state: {exception.Message}").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                if (!PoolStateFile.TryRead(statePath, out EmulatedPoolBooks? books, out string stateError))
                {
                    stateLock.Dispose();
                    await error.WriteLineAsync($"--state: {stateError}").ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }

                licensePool.ImportBooks(books);
            }

            using IDisposable? heldLock = stateLock;
            var server = new RdpServerOptions
            {
                Security = parseResult.GetValue(securityOption) switch { "rdp" => ServerSecurityMode.Rdp, "tls" => ServerSecurityMode.Tls, _ => ServerSecurityMode.Negotiate },
                Encryption = parseResult.GetValue(encryptionOption) switch
                {
                    "none" => EncryptionMethods.None,
                    "40" => EncryptionMethods.Bits40,
                    "56" => EncryptionMethods.Bits56,
                    "fips" => EncryptionMethods.Fips,
                    _ => EncryptionMethods.Bits128,
                },
                Certificate = parseResult.GetValue(certificateOption) == "x509" ? EmulatedCertificateKind.X509Chain : EmulatedCertificateKind.Proprietary512,
                Strict = parseResult.GetValue(strictOption),
                RecordSecrets = parseResult.GetValue(secretsOption) is not null,
                Pool = licensePool,
                Time = clock!,
            };
            var listenerOptions = new LicenseServerListenerOptions
            {
                EndPoint = endPoint!,
                MaxConnections = max,
                ConnectionTimeout = TimeSpan.FromSeconds(timeout),
                IdleTimeout = TimeSpan.FromSeconds(idle),
                StatePath = statePath,
                SecretsDirectory = parseResult.GetValue(secretsOption) is { } secrets ? Path.GetFullPath(secrets) : null,
            };

            string jsonLog = parseResult.GetValue(jsonLogOption)!;
            TextWriter? logFile = null;
            try
            {
                logFile = jsonLog == "-" ? null : new StreamWriter(new FileStream(jsonLog, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"--json-log: {exception.Message}").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            await using TextWriter? ownedLog = logFile;
            TextWriter lines = logFile ?? output;
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Serve");
            await using var listener = new LicenseServerListener(listenerOptions, server, script, SystemRandomSource.Instance, TimeProvider.System, logger);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            long? exitAfter = parseResult.GetValue(exitAfterOption);
            long ended = 0;
            var lineLock = new Lock();
            listener.ConnectionEnded += record =>
            {
                string line = JsonLine(record);
                lock (lineLock)
                {
                    lines.WriteLine(line);
                    lines.Flush();
                }

                if (exitAfter is { } limit && Interlocked.Increment(ref ended) >= limit)
                {
                    stop.Cancel();
                }
            };

            try
            {
                listener.Start();
            }
            catch (SocketException exception)
            {
                await error.WriteLineAsync($"cannot listen on {endPoint}: {exception.SocketErrorCode} ({exception.Message})").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"serve: listening on {listener.LocalEndPoint} ({parseResult.GetValue(securityOption)}, encryption {parseResult.GetValue(encryptionOption)}, pool {licensePool.Capacity} with {licensePool.FreeCount} free, clock {clock!.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'})")).ConfigureAwait(false);
            await listener.RunAsync(stop.Token).ConfigureAwait(false);
            await error.WriteLineAsync($"serve: stopped after {listener.Accepted} connections ({listener.Completed} completed, {listener.Failed} failed)").ConfigureAwait(false);
            return HostApp.ExitOk;
        });
        return command;
    }

    /// <summary>One connection's record as one line of JSON.</summary>
    internal static string JsonLine(ServeConnectionRecord record)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            record.WriteJson(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static bool TryParseEndPoint(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            return false;
        }

        if (!IPAddress.TryParse(text[..colon].Trim('[', ']'), out IPAddress? address))
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    internal static bool TryCreateClock(string? now, double? daysOffset, out TimeProvider? clock, out string error)
    {
        clock = null;
        error = string.Empty;
        if (now is not null && daysOffset is not null)
        {
            error = "--now and --days-offset both move the clock: give one";
            return false;
        }

        if (now is not null)
        {
            if (!DateTimeOffset.TryParse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset start)
                || start.Year is < 1950 or > 2049)
            {
                error = "--now must be an ISO 8601 date between 1950 and 2049 (CALs carry UTCTime), such as 2025-06-01 or 2025-06-01T08:00:00Z";
                return false;
            }

            clock = OffsetTimeProvider.StartingAt(TimeProvider.System, start);
            return true;
        }

        if (daysOffset is { } days)
        {
            if (!(Math.Abs(days) <= 20 * 365))
            {
                error = "--days-offset must be within twenty years";
                return false;
            }

            clock = new OffsetTimeProvider(TimeProvider.System, TimeSpan.FromDays(days));
            return true;
        }

        clock = TimeProvider.System;
        return true;
    }
}
