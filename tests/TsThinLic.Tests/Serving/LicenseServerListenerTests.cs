using System.Net.Sockets;
using TsThinLic.Crypto;
using TsThinLic.Emulator.Serving;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Records;
using TsThinLic.Storage;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>
/// serve over real sockets: our probe licenses against it in every mode and persists the CAL in its store; scripted
/// errors reach the probe; and the hostile-client set (a silent client, garbage after X.224, an oversize TPKT, a slow
/// writer, 200 connections at once, a client that vanishes mid-licensing) ends only the hostile connection: the next good
/// client is served, the pool's books stay consistent, nothing is buffered without bound.
/// </summary>
public sealed class LicenseServerListenerTests
{
    public static TheoryData<ServerSecurityMode, EncryptionMethods, ProbeSecurity> Modes => new()
    {
        { ServerSecurityMode.Rdp, EncryptionMethods.None, ProbeSecurity.Rdp },
        { ServerSecurityMode.Rdp, EncryptionMethods.Bits40, ProbeSecurity.Rdp },
        { ServerSecurityMode.Rdp, EncryptionMethods.Bits56, ProbeSecurity.Rdp },
        { ServerSecurityMode.Rdp, EncryptionMethods.Bits128, ProbeSecurity.Rdp },
        { ServerSecurityMode.Rdp, EncryptionMethods.Fips, ProbeSecurity.Rdp },
        { ServerSecurityMode.Tls, EncryptionMethods.Bits128, ProbeSecurity.Tls },
        { ServerSecurityMode.Negotiate, EncryptionMethods.Bits128, ProbeSecurity.Auto },
        { ServerSecurityMode.Rdp, EncryptionMethods.Bits128, ProbeSecurity.Auto },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheProbeLicensesInEveryModeAndItsStoreKeepsTheCal(ServerSecurityMode security, EncryptionMethods encryption, ProbeSecurity probe)
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(security, encryption, pool: 1));
        var store = new MemoryLicenseStore();

        ProbeResult first = await Probe(serve, store, probe);
        ProbeResult second = await Probe(serve, store, probe);

        Assert.True(first.Succeeded, first.Failure?.Message);
        Assert.Equal(LicensingOutcome.LicenseIssued, first.Outcome);
        Assert.True(second.Succeeded, second.Failure?.Message);
        Assert.Equal(LicensingOutcome.LicenseUpgraded, second.Outcome);
        Assert.NotNull(second.PresentedLicense);
        Assert.Single(store.Load().Licenses);
        ServeConnectionRecord[] records = await serve.WaitForRecordsAsync(2);
        Assert.Equal(["license-issued", "license-upgraded"], records.Select(r => r.Licensing.Outcome));
        Assert.All(records, r => Assert.Equal("completed", r.Outcome));
        Assert.All(records, r => Assert.Equal(HardwareIdFingerprint.Compute(store.Load().HardwareId!.Value.ToArray()), r.Licensing.HardwareIdFingerprint));
        Assert.Equal(0, serve.Server.Pool.FreeCount);
    }

    [Fact]
    public async Task AScriptInterruptsLicensingForItsConnectionsInOrder()
    {
        Assert.True(ServeScript.TryParse("""
            { "format": "tsthinlic-serve-script/1", "connections": [
              { "error": { "at": "challenge", "code": "ERR_INVALID_CLIENT", "transition": "ST_TOTAL_ABORT" } },
              { "errorInfo": "ERRINFO_LICENSE_NO_LICENSE", "logon": false },
              {} ] }
            """u8, out ServeScript? script, out string problem), problem);
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp), script: script);
        var store = new MemoryLicenseStore();

        ProbeResult refused = await Probe(serve, store, ProbeSecurity.Rdp);
        ProbeResult withErrorInfo = await Probe(serve, store, ProbeSecurity.Rdp);
        ProbeResult plain = await Probe(serve, new MemoryLicenseStore(), ProbeSecurity.Rdp);

        Assert.Equal(ConnectionFailureReason.LicensingFailed, refused.Failure!.Reason);
        Assert.True(withErrorInfo.Succeeded, withErrorInfo.Failure?.Message);
        Assert.True(plain.Succeeded, plain.Failure?.Message);
        ServeConnectionRecord[] records = await serve.WaitForRecordsAsync(3);
        Assert.Equal("refused", records[0].Licensing.Outcome);
        Assert.Equal(1, records[0].ScriptEntry);
        Assert.Equal("set-error-info", records[1].AfterLicensing);
        Assert.Equal(0x102u, records[1].ErrorInfo);
        Assert.False(records[1].Logon);
        Assert.Equal(3, records[2].ScriptEntry);
        Assert.True(records[2].Logon);
    }

    [Fact]
    public async Task ASilentClientTimesOutAndTheNextGoodClientIsServed()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp), new LicenseServerListenerOptions { IdleTimeout = TimeSpan.FromMilliseconds(400) });
        using Socket silent = await Connect(serve);

        ProbeResult good = await Probe(serve, new MemoryLicenseStore(), ProbeSecurity.Rdp);

        Assert.True(good.Succeeded, good.Failure?.Message);
        ServeConnectionRecord timedOut = (await serve.WaitForRecordsAsync(2)).First(r => r.Failure is not null);
        Assert.Equal(nameof(ServeFailureReason.Timeout), timedOut.Failure!.Value.Reason);
        Assert.Equal(0, await ReadToEnd(silent));
    }

    [Fact]
    public async Task GarbageAfterTheX224ExchangeEndsOnlyThatConnection()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp));
        using Socket hostile = await Connect(serve);
        await hostile.SendAsync(new X224ConnectionRequest("mallory", NegotiationProtocols.Rdp).ToArray());
        byte[] junk = new byte[256];
        new Random(7).NextBytes(junk);
        junk[0] = 0x03; // a TPKT header, then nonsense inside
        junk[1] = 0x00;
        junk[2] = 0x01;
        junk[3] = 0x00;
        await hostile.SendAsync(junk);

        ServeConnectionRecord record = (await serve.WaitForRecordsAsync(1))[0];
        ProbeResult good = await Probe(serve, new MemoryLicenseStore(), ProbeSecurity.Rdp);

        Assert.Equal(nameof(ServeFailureReason.MalformedPdu), record.Failure!.Value.Reason);
        Assert.Contains("offset", record.Failure.Value.Detail, StringComparison.Ordinal);
        Assert.True(good.Succeeded, good.Failure?.Message);
    }

    [Fact]
    public async Task AnOversizeTpktIsRefusedFromItsHeader()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp), new LicenseServerListenerOptions { MaxFrameLength = 4096 });
        using Socket hostile = await Connect(serve);

        // A TPKT declaring 65535 bytes, of which only the header arrives: refused before any body is awaited.
        await hostile.SendAsync(new byte[] { 0x03, 0x00, 0xFF, 0xFF, 0x02, 0xF0, 0x80 });

        ServeConnectionRecord record = (await serve.WaitForRecordsAsync(1, TimeSpan.FromSeconds(5)))[0];
        Assert.Equal(nameof(ServeFailureReason.LimitExceeded), record.Failure!.Value.Reason);
        Assert.Contains("65535", record.Failure.Value.Detail, StringComparison.Ordinal);
        Assert.True(record.Duration < TimeSpan.FromSeconds(2), $"{record.Duration}");
    }

    [Fact]
    public async Task ASlowWriterIsCutOffByTheConnectionsLifetime()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp), new LicenseServerListenerOptions { ConnectionTimeout = TimeSpan.FromSeconds(1.5), IdleTimeout = TimeSpan.FromSeconds(1) });
        using Socket slow = await Connect(serve);
        byte[] request = new X224ConnectionRequest("slow", NegotiationProtocols.Rdp).ToArray();

        // One byte every 300 ms: never idle for long, but never done.
        for (int i = 0; i < request.Length && serve.Records.IsEmpty; i++)
        {
            try
            {
                await slow.SendAsync(request.AsMemory(i, 1));
            }
            catch (SocketException)
            {
                break;
            }

            await Task.Delay(300);
        }

        ServeConnectionRecord record = (await serve.WaitForRecordsAsync(1))[0];
        Assert.Equal(nameof(ServeFailureReason.Timeout), record.Failure!.Value.Reason);
        Assert.True(record.Duration < TimeSpan.FromSeconds(3), $"{record.Duration}");
    }

    [Fact]
    public async Task TwoHundredConnectionsAtOnceAreBoundedAndAllServed()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp, EncryptionMethods.None, pool: 300), new LicenseServerListenerOptions { MaxConnections = 32, IdleTimeout = TimeSpan.FromSeconds(1) });

        // 200 silent connections first, then 20 probes: the silent ones take their slots in turn and time out.
        var silent = new List<Socket>();
        for (int i = 0; i < 200; i++)
        {
            silent.Add(await Connect(serve));
        }

        ProbeResult[] probes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Probe(serve, new MemoryLicenseStore(), ProbeSecurity.Rdp, TimeSpan.FromSeconds(60))));
        silent.ForEach(s => s.Dispose());

        Assert.All(probes, p => Assert.True(p.Succeeded, p.Failure?.Message));
        ServeConnectionRecord[] records = await serve.WaitForRecordsAsync(220, TimeSpan.FromSeconds(60));
        Assert.Equal(220, records.Length);
        Assert.Equal(20, records.Count(r => r.Outcome == "completed"));
        Assert.Equal(20, serve.Server.Pool.IssuedLicenses.Count);
        Assert.True(serve.Listener.Active <= 32);
    }

    [Fact]
    public async Task AClientVanishingMidLicensingLeavesTheBooksAsTheyWere()
    {
        await using ServeFixture serve = ServeFixture.Start(ServeFixture.Options(ServerSecurityMode.Rdp, EncryptionMethods.None));
        var client = new RdpConnectionSequence(new RdpConnectionOptions { RequestedProtocols = NegotiationProtocols.Rdp, UserName = "vanish" }, new ClientIdentity(new ClientHardwareId(0x04010000, new byte[16]), "vanish", "vanish"), LicenseStoreSnapshot.Empty, SystemRandomSource.Instance);
        using Socket socket = await Connect(serve);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        client.Start(output);
        var incoming = new List<byte>();
        byte[] buffer = new byte[16384];

        // Play the sequence until the client has sent its NEW_LICENSE_REQUEST, then drop the connection.
        while (!client.LicensingPdus.Any(p => p.FromClient))
        {
            await socket.SendAsync(output.WrittenMemory);
            output.ResetWrittenCount();
            int read = await socket.ReceiveAsync(buffer);
            Assert.True(read > 0);
            incoming.AddRange(buffer.AsSpan(0, read));
            while (incoming.Count >= 4 && Tpkt.TryReadFrame(incoming.ToArray(), out int length, out _) == DecodeStatus.Complete)
            {
                client.Step(incoming.Take(length).ToArray(), output);
                incoming.RemoveRange(0, length);
            }
        }

        await socket.SendAsync(output.WrittenMemory);
        socket.Close();

        ServeConnectionRecord record = (await serve.WaitForRecordsAsync(1))[0];
        Assert.Equal(nameof(ServeFailureReason.ConnectionClosed), record.Failure!.Value.Reason);
        Assert.Equal("Licensing", record.Failure.Value.Phase);
        Assert.Equal(["NEW_LICENSE_REQUEST"], record.Licensing.Received);
        Assert.Empty(serve.Server.Pool.IssuedLicenses);
        Assert.Equal(serve.Server.Pool.Capacity, serve.Server.Pool.FreeCount);
    }

    private static Task<ProbeResult> Probe(ServeFixture serve, ILicenseStore store, ProbeSecurity security, TimeSpan? timeout = null)
        => new RdpProbe(store, SystemRandomSource.Instance, TimeProvider.System, new RdpProbeOptions { Security = security, UserName = "probe", MachineName = "ci-thinclient", Timeout = timeout ?? TimeSpan.FromSeconds(20) })
            .RunAsync("127.0.0.1", serve.Port);

    private static async Task<Socket> Connect(ServeFixture serve)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", serve.Port);
        return socket;
    }

    private static async Task<int> ReadToEnd(Socket socket)
    {
        byte[] buffer = new byte[1024];
        int total = 0;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                total += read;
            }
        }
        catch (SocketException)
        {
            // Reset by the server: nothing was sent either way.
        }

        return total;
    }
}
