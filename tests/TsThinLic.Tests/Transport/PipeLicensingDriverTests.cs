using System.IO.Pipelines;
using NSubstitute;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Licensing;
using TsThinLic.Transport;
using Xunit;

namespace TsThinLic.Tests.Transport;

/// <summary>Whole exchanges over real <see cref="Pipe"/>s, the emulated server on the other end.</summary>
public sealed class PipeLicensingDriverTests
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs the driver against the emulator over two pipes and returns what the driver reports.</summary>
    internal static async Task<(LicensingExchangeResult Result, EmulatedLicenseServer Server)> RunAsync(
        ILicenseStore store,
        EmulatedServerScript? script = null,
        EmulatedLicenseServerOptions? serverOptions = null,
        TimeProvider? time = null,
        byte randomSeed = 1)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 200), script, serverOptions);
        var driver = new PipeLicensingDriver(store, new SequenceRandomSource(randomSeed), time ?? TimeProvider.System, new PipeLicensingDriverOptions { UserName = "alice", MachineName = "TC-0042" });
        using var cts = new CancellationTokenSource(s_testTimeout);
        Task serverTask = server.RunAsync(toServer.Reader, toClient.Writer, cts.Token);
        LicensingExchangeResult result = await driver.RunAsync(toClient.Reader, toServer.Writer, cts.Token);
        await toServer.Writer.CompleteAsync();
        await serverTask;
        return (result, server);
    }

    [Fact]
    public async Task ANewDeviceGetsALicenseAndKeepsItWithItsNewHwid()
    {
        var store = new MemoryLicenseStore();

        var (result, server) = await RunAsync(store);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(LicensingOutcome.LicenseIssued, result.Outcome);
        Assert.True(result.HardwareIdCreated);
        Assert.Empty(server.Violations);
        Assert.Equal(result.HardwareId, server.ClientHardwareId);
        Assert.Equal(0x04010000u, result.HardwareId.PlatformId);
        LicenseStoreSnapshot stored = store.Load();
        Assert.Equal(result.HardwareId, stored.HardwareId);
        Assert.True(Assert.Single(stored.Licenses).ContentEquals(result.StoredLicense!));
        Assert.Equal(
            [LicensingMessageType.LicenseRequest, LicensingMessageType.NewLicenseRequest, LicensingMessageType.PlatformChallenge, LicensingMessageType.PlatformChallengeResponse, LicensingMessageType.NewLicense],
            result.Pdus.Select(p => p.MessageType!.Value));
        Assert.Equal(
            [LicensingPduDirection.Server, LicensingPduDirection.Client, LicensingPduDirection.Server, LicensingPduDirection.Client, LicensingPduDirection.Server],
            result.Pdus.Select(p => p.Direction));
    }

    [Fact]
    public async Task TheSecondConnectionPresentsTheStoredLicense()
    {
        var store = new MemoryLicenseStore();
        var (first, _) = await RunAsync(store);

        var (second, server) = await RunAsync(store, randomSeed: 9);

        Assert.Equal(LicensingOutcome.ValidClient, second.Outcome);
        Assert.False(second.HardwareIdCreated);
        Assert.Equal(first.HardwareId, second.HardwareId);
        Assert.Equal(LicensingMessageType.LicenseInfo, second.Pdus[1].MessageType);
        Assert.Equal(first.StoredLicense!.Key, second.PresentedLicense);
        Assert.Equal(first.StoredLicense.LicenseInfo.ToArray(), server.PresentedLicense!.Value.ToArray());
        Assert.Equal(first.HardwareId, server.ClientHardwareId);
    }

    [Fact]
    public async Task AnUpgradeReplacesThePresentedLicense()
    {
        var store = new MemoryLicenseStore();
        await RunAsync(store);
        byte[] renewed = [0x30, 0x03, 0x02, 0x01, 0x07];
        var options = new EmulatedLicenseServerOptions { UpgradePresentedLicenses = true, LicenseFactory = _ => renewed };

        var (result, server) = await RunAsync(store, serverOptions: options);

        Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
        Assert.Empty(server.Violations);
        Assert.Equal(renewed, Assert.Single(store.Load().Licenses).LicenseInfo.ToArray());
    }

    public static TheoryData<string> FailingScripts() => ["abort", "bad-mac", "closed", "bad-certificate"];

    [Theory]
    [MemberData(nameof(FailingScripts))]
    public async Task AFailedExchangeNeverTouchesTheStore(string how)
    {
        var inner = new MemoryLicenseStore();
        inner.Save(new LicenseStoreUpdate(new ClientHardwareId(0x04010000, new byte[16]), new StoredLicense(LicensingClientTests.s_emulatorKey with { ProductId = "B01" }, new byte[] { 1, 2, 3 }, DateTimeOffset.UnixEpoch), null));
        LicenseStoreSnapshot before = inner.Load();
        ILicenseStore store = Substitute.For<ILicenseStore>();
        store.LoadOrCreateHardwareId(Arg.Any<Func<ClientHardwareId>>(), out Arg.Any<bool>()).Returns(call =>
        {
            call[1] = false;
            return inner.Load();
        });
        EmulatedServerScript script = how switch
        {
            "abort" => EmulatedServerScript.ErrorAt(2, LicensingErrorCode.NoLicenseServer, LicensingStateTransition.TotalAbort),
            "bad-mac" => EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [EmulatedServerAction.PlatformChallenge], [new EmulatedServerAction.SendNewLicense(false, CorruptMac: true)]),
            "closed" => EmulatedServerScript.Of([EmulatedServerAction.LicenseRequest], [EmulatedServerAction.PlatformChallenge]),
            _ => EmulatedServerScript.NewLicense,
        };
        var options = how == "bad-certificate" ? new EmulatedLicenseServerOptions { IncludeCertificate = false } : null;

        var (result, _) = await RunAsync(store, script, options);

        Assert.False(result.Succeeded);
        store.DidNotReceive().Save(Arg.Any<LicenseStoreUpdate>());
        store.DidNotReceive().Wipe(Arg.Any<bool>());
        Assert.Equal(before.HardwareId, inner.Load().HardwareId);
        Assert.True(before.Licenses[0].ContentEquals(inner.Load().Licenses[0]));
    }

    [Fact]
    public async Task AStoreThatRefusesTheResultIsReportedAndNothingChanges()
    {
        ILicenseStore store = Substitute.For<ILicenseStore>();
        store.LoadOrCreateHardwareId(Arg.Any<Func<ClientHardwareId>>(), out Arg.Any<bool>()).Returns(call =>
        {
            call[1] = true;
            return new LicenseStoreSnapshot(((Func<ClientHardwareId>)call[0])(), []);
        });
        store.When(s => s.Save(Arg.Any<LicenseStoreUpdate>())).Do(_ => throw new LicenseStoreException("flash worn out"));

        var (result, _) = await RunAsync(store);

        Assert.False(result.Succeeded);
        Assert.Equal(LicensingFailureReason.StoreFailed, result.Failure!.Reason);
        Assert.Contains("flash worn out", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APduSplitIntoSingleBytesAndSeveralPdusInOneWriteAreFramed()
    {
        // The server's whole script is written up front: LICENSE_REQUEST one byte per flush, then an
        // ST_NO_TRANSITION alert and a STATUS_VALID_CLIENT in a single write.
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 5), EmulatedServerScript.NewLicense);
        var request = new System.Buffers.ArrayBufferWriter<byte>();
        server.Start(request);
        byte[] noTransition = Convert.FromHexString("80000000ff031000020000000200000004000000");
        byte[] validClient = Convert.FromHexString("80000000ff031000070000000200000004000000");
        var toClient = new Pipe();
        var toServer = new Pipe();
        var driver = new PipeLicensingDriver(new MemoryLicenseStore(), new SequenceRandomSource(1), TimeProvider.System);

        Task<LicensingExchangeResult> run = driver.RunAsync(toClient.Reader, toServer.Writer);
        foreach (byte b in request.WrittenSpan.ToArray())
        {
            await toClient.Writer.WriteAsync(new[] { b });
        }

        await toClient.Writer.WriteAsync(noTransition.Concat(validClient).ToArray());
        LicensingExchangeResult result = await run.WaitAsync(s_testTimeout);

        Assert.Equal(LicensingOutcome.ValidClient, result.Outcome);
        Assert.Equal(4, result.Pdus.Count); // request, our NEW_LICENSE_REQUEST, the two alerts
        Assert.Equal(request.WrittenSpan.ToArray(), result.Pdus[0].Bytes.ToArray());
    }

    [Fact]
    public async Task AnImpossibleDeclaredLengthIsRejectedBeforeTheBodyArrives()
    {
        var toClient = new Pipe();
        var driver = new PipeLicensingDriver(new MemoryLicenseStore(), new SequenceRandomSource(1), TimeProvider.System);

        Task<LicensingExchangeResult> run = driver.RunAsync(toClient.Reader, new Pipe().Writer);
        // LICENSE_REQUEST whose wMsgSize (2) is smaller than its own preamble; nothing follows and the pipe stays open.
        await toClient.Writer.WriteAsync(Convert.FromHexString("80000000" + "01030200"));
        LicensingExchangeResult result = await run.WaitAsync(s_testTimeout);

        Assert.Equal(LicensingFailureReason.MalformedPdu, result.Failure!.Reason);
        Assert.Equal("wMsgSize", result.Failure.DecodeError!.Value.Field);
    }

    [Fact]
    public async Task ASilentServerTimesOutOnTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        var toClient = new Pipe();
        var driver = new PipeLicensingDriver(new MemoryLicenseStore(), new SequenceRandomSource(1), time, new PipeLicensingDriverOptions { Timeout = TimeSpan.FromSeconds(30) });

        Task<LicensingExchangeResult> run = driver.RunAsync(toClient.Reader, new Pipe().Writer);
        while (time.PendingTimers == 0)
        {
            await Task.Delay(5);
        }

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        LicensingExchangeResult result = await run.WaitAsync(s_testTimeout);

        Assert.Equal(LicensingFailureReason.Timeout, result.Failure!.Reason);
    }

    [Fact]
    public async Task CancellationByTheCallerThrows()
    {
        var toClient = new Pipe();
        var driver = new PipeLicensingDriver(new MemoryLicenseStore(), new SequenceRandomSource(1), TimeProvider.System);
        using var cts = new CancellationTokenSource();

        Task<LicensingExchangeResult> run = driver.RunAsync(toClient.Reader, new Pipe().Writer, cts.Token);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(s_testTimeout));
    }

    [Fact]
    public async Task AConnectionThatEndsMidPduFails()
    {
        var toClient = new Pipe();
        var driver = new PipeLicensingDriver(new MemoryLicenseStore(), new SequenceRandomSource(1), TimeProvider.System);

        Task<LicensingExchangeResult> run = driver.RunAsync(toClient.Reader, new Pipe().Writer);
        await toClient.Writer.WriteAsync(Convert.FromHexString("80000000ff0310000700"));
        await toClient.Writer.CompleteAsync();
        LicensingExchangeResult result = await run.WaitAsync(s_testTimeout);

        Assert.Equal(LicensingFailureReason.ConnectionClosed, result.Failure!.Reason);
    }
}
