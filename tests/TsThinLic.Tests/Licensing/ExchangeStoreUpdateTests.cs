using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>What an exchange writes: a new HWID with its CAL, a new CAL, and nothing when the server hands the stored CAL back.</summary>
public sealed class ExchangeStoreUpdateTests
{
    private static readonly ClientHardwareId s_hwid = new(0x04010000, 7, 0x11111111, 0x22222222, 0x33333333);

    [Fact]
    public void TheStoredCalHandedBackUnchangedIsNotWrittenAgainButANewOneIs()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        // No seat: after a logon the server answers UPGRADE_LICENSE with the client's own temporary CAL ([MS-RDPELE 3.2.5.5] case 4).
        var pool = new EmulatedLicensePool(0, time, new SequenceRandomSource(seed: 3));
        var options = new EmulatedLicenseServerOptions { Time = time, LicensePool = pool };

        LicensingStepResult first = Exchange(LicenseStoreSnapshot.Empty, options, seed: 1);
        LicenseStoreUpdate? initial = ExchangeStoreUpdate.For(LicenseStoreSnapshot.Empty, s_hwid, hardwareIdCreated: true, first, time.GetUtcNow(), out StoredLicense? issued);
        Assert.NotNull(initial);
        Assert.Equal(s_hwid, initial.HardwareId);
        Assert.Same(issued, initial.License);

        var stored = new LicenseStoreSnapshot(s_hwid, [issued!]);
        pool.RecordLogon(s_hwid);
        time.Advance(TimeSpan.FromDays(1));
        LicensingStepResult handedBack = Exchange(stored, options, seed: 2);

        Assert.Equal(LicensingOutcome.LicenseUpgraded, handedBack.Outcome);
        Assert.Null(ExchangeStoreUpdate.For(stored, s_hwid, hardwareIdCreated: false, handedBack, time.GetUtcNow(), out StoredLicense? unchanged));
        Assert.Null(unchanged);

        // The same answer to a store that lost the CAL (or holds other bytes) is written.
        var other = new LicenseStoreSnapshot(s_hwid, [new StoredLicense(issued!.Key, new byte[] { 1, 2, 3 }, time.GetUtcNow())]);
        Assert.NotNull(ExchangeStoreUpdate.For(other, s_hwid, hardwareIdCreated: false, handedBack, time.GetUtcNow(), out _));
        Assert.NotNull(ExchangeStoreUpdate.For(new LicenseStoreSnapshot(s_hwid, []), s_hwid, hardwareIdCreated: false, handedBack, time.GetUtcNow(), out _));
    }

    private static LicensingStepResult Exchange(LicenseStoreSnapshot stored, EmulatedLicenseServerOptions options, byte seed)
    {
        var client = new LicensingClient(new ClientIdentity(s_hwid, "alice", "TC-0042"), stored, new SequenceRandomSource(seed));
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 90), null, options);
        return SansIoExchange.Run(client, server).Last!;
    }
}
