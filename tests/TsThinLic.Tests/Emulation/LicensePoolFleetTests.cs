using System.IO.Pipelines;
using TsThinLic.Cal;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using TsThinLic.Transport;
using Xunit;

namespace TsThinLic.Tests.Emulation;

/// <summary>
/// A fleet of devices, each a <see cref="MemoryLicenseStore"/> behind the <see cref="PipeLicensingDriver"/>, against
/// emulated servers that share one <see cref="EmulatedLicensePool"/>, on a fake clock: months of daily connections,
/// deterministic. Dates count a CAL's issue day as day 1 (see <see cref="EmulatedLicensePool"/>).
/// </summary>
public sealed class LicensePoolFleetTests
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(20);

    private readonly ManualTimeProvider _time = new(At(5, 1, 9));
    private readonly List<ClientHardwareId> _hardwareIds = [];
    private byte _seed;

    private static DateTimeOffset At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Issue 4: the last permanent CAL goes out on June 1 to a device that dies the same day; its replacement lives on
    /// a temporary CAL, asks for an upgrade at every daily connection, and gets the returned permanent CAL on August 28,
    /// before its temporary one expires on August 29.
    /// </summary>
    [Fact]
    public async Task TheLastSeatComesBackOnAugust28ToTheReplacementOfADeviceThatDiedOnJune1()
    {
        const int Seats = 3;
        // Permanent terms in the order they are drawn: A's 52 days, B's 79 days, the doomed device's 89; then a counter stream.
        var pool = new EmulatedLicensePool(Seats, _time, new SequenceRandomSource(seed: 5, [0], [255], [37]));
        var options = new EmulatedLicenseServerOptions { Time = _time, LicensePool = pool };
        var a = new Device("TC-A");
        var b = new Device("TC-B");
        var doomed = new Device("TC-D");
        var replacement = new Device("TC-R");
        var renewals = new Dictionary<Device, int> { [a] = 0, [b] = 0 };
        byte[]? replacementTemporary = null;

        // May 1: A and B connect for the first time and get temporary CALs, though every seat is free.
        foreach (Device device in new[] { a, b })
        {
            LicensingExchangeResult first = await ConnectAndLogOnAsync(device, options, pool);
            Assert.Equal(LicensingOutcome.LicenseIssued, first.Outcome);
            Assert.True(Cal(device).IsTemporary);
        }

        Assert.Equal(Seats, pool.FreeCount);

        for (DateTimeOffset day = At(5, 2, 0); day <= At(8, 28, 0); day = day.AddDays(1))
        {
            if (day == At(5, 31, 0))
            {
                // The doomed device joins: a temporary CAL, with one seat still free.
                SetTime(day.AddHours(8));
                LicensingExchangeResult first = await ConnectAndLogOnAsync(doomed, options, pool);
                Assert.Equal(LicensingOutcome.LicenseIssued, first.Outcome);
                Assert.True(Cal(doomed).IsTemporary);
                Assert.Equal(1, pool.FreeCount);
            }

            if (day == At(6, 1, 0))
            {
                // It takes the last seat for 89 days (June 1 is day 1, August 28 day 89), and dies.
                SetTime(day.AddHours(8));
                LicensingExchangeResult last = await ConnectAsync(doomed, options, pool);
                Assert.Equal(LicensingOutcome.LicenseUpgraded, last.Outcome);
                ClientAccessLicense permanent = Cal(doomed);
                Assert.False(permanent.IsTemporary);
                Assert.Equal(doomed.HardwareId, permanent.HardwareId);
                Assert.Equal(At(6, 1, 8), permanent.Leaf.NotBefore);
                Assert.Equal(At(8, 28, 8), permanent.Leaf.NotAfter);
                Assert.Equal(0, pool.FreeCount);
            }

            // A and B connect every day at 9 and keep their seats: accepted, or renewed in their last 7 days.
            SetTime(day.AddHours(9));
            foreach (Device device in new[] { a, b })
            {
                bool hadPermanent = !Cal(device).IsTemporary;
                LicensingExchangeResult daily = await ConnectAndLogOnAsync(device, options, pool);
                ClientAccessLicense cal = Cal(device);
                Assert.False(cal.IsTemporary);
                Assert.True(cal.Leaf.NotAfter > _time.GetUtcNow());
                if (hadPermanent && daily.Outcome == LicensingOutcome.LicenseUpgraded)
                {
                    Assert.Equal(_time.GetUtcNow(), cal.Leaf.NotBefore);
                    renewals[device]++;
                }
            }

            bool doomedSeatTaken = doomed.Store.Load().HardwareId is { } doomedId && pool.IssuedLicenses.Any(l => !l.Temporary && l.HardwareId == doomedId);
            Assert.Equal(day >= At(6, 1, 0) && day < At(8, 28, 0), doomedSeatTaken);

            if (day < At(6, 1, 0))
            {
                continue;
            }

            // The replacement connects every day at 10 and logs on.
            SetTime(day.AddHours(10));
            LicensingExchangeResult result = await ConnectAndLogOnAsync(replacement, options, pool);
            ClientAccessLicense held = Cal(replacement);
            Assert.Equal(replacement.HardwareId, held.HardwareId);
            if (day == At(6, 1, 0))
            {
                Assert.Equal(LicensingOutcome.LicenseIssued, result.Outcome);
                Assert.True(held.IsTemporary);
                Assert.Equal(At(8, 29, 10), held.Leaf.NotAfter); // June 1 is day 1 of 90, August 29 day 90
                replacementTemporary = Single(replacement).LicenseInfo.ToArray();
            }
            else if (day < At(8, 28, 0))
            {
                // No seat: the server hands the still-valid temporary CAL back ([MS-RDPELE 3.2.5.5] case 4).
                Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
                Assert.True(held.IsTemporary);
                Assert.True(held.Leaf.NotAfter > _time.GetUtcNow());
                Assert.Equal(replacementTemporary, Single(replacement).LicenseInfo.ToArray());
                Assert.Equal(0, pool.FreeCount);
            }
            else
            {
                // August 28: the doomed device's CAL expired at 8 unrenewed; its seat is the replacement's at 10.
                Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
                Assert.False(held.IsTemporary);
                Assert.Equal(At(8, 28, 10), held.Leaf.NotBefore);
                Assert.Equal(0, pool.FreeCount);
            }
        }

        Assert.All(renewals.Values, count => Assert.True(count >= 1));
        Assert.Equal(
            new[] { a.HardwareId, b.HardwareId, replacement.HardwareId }.Order(HardwareIdOrder.Instance),
            pool.IssuedLicenses.Where(l => !l.Temporary).Select(l => l.HardwareId).Order(HardwareIdOrder.Instance));
        Assert.Equal(4, _hardwareIds.Distinct().Count());
    }

    /// <summary>
    /// A device that wipes its store comes back with a fresh HWID and a fresh temporary CAL; the seat of its old HWID
    /// is not reissued to it until that CAL expires unrenewed.
    /// </summary>
    [Fact]
    public async Task AWipedDeviceComesBackAsANewDeviceAndWaitsForItsOldSeat()
    {
        var pool = new EmulatedLicensePool(1, _time, new SequenceRandomSource(seed: 5, [10])); // 62 days
        var options = new EmulatedLicenseServerOptions { Time = _time, LicensePool = pool };
        var device = new Device("TC-W");

        await ConnectAndLogOnAsync(device, options, pool);
        SetTime(At(5, 2, 9));
        await ConnectAndLogOnAsync(device, options, pool);
        ClientHardwareId oldHardwareId = device.HardwareId;
        EmulatedPoolLicense oldSeat = Assert.Single(pool.IssuedLicenses);
        Assert.False(oldSeat.Temporary);
        Assert.Equal(oldHardwareId, oldSeat.HardwareId);
        Assert.Equal(At(7, 2, 9), oldSeat.NotAfter); // May 2 is day 1 of 62

        SetTime(At(5, 3, 10));
        device.Store.Wipe(licensesOnly: false);
        LicensingExchangeResult fresh = await ConnectAndLogOnAsync(device, options, pool);

        Assert.True(fresh.HardwareIdCreated);
        Assert.NotEqual(oldHardwareId, fresh.HardwareId);
        Assert.Equal(LicensingOutcome.LicenseIssued, fresh.Outcome);
        ClientAccessLicense temporary = Cal(device);
        Assert.True(temporary.IsTemporary);
        Assert.Equal(fresh.HardwareId, temporary.HardwareId);
        Assert.Equal(At(5, 3, 10), temporary.Leaf.NotBefore);
        Assert.Equal(0, pool.FreeCount);

        for (DateTimeOffset day = At(5, 4, 10); day <= At(7, 2, 10); day = day.AddDays(1))
        {
            SetTime(day);
            LicensingExchangeResult result = await ConnectAndLogOnAsync(device, options, pool);
            Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
            ClientAccessLicense cal = Cal(device);
            Assert.Equal(fresh.HardwareId, cal.HardwareId);
            if (day < oldSeat.NotAfter)
            {
                Assert.True(cal.IsTemporary);
                Assert.Equal(oldSeat, Assert.Single(pool.IssuedLicenses, l => !l.Temporary));
                continue;
            }

            // July 2 at 10: the old HWID's CAL expired at 9; the seat comes back, to the new HWID, as a new CAL.
            Assert.False(cal.IsTemporary);
            EmulatedPoolLicense seat = Assert.Single(pool.IssuedLicenses);
            Assert.Equal(fresh.HardwareId, seat.HardwareId);
            Assert.NotEqual(oldSeat.SerialNumber, seat.SerialNumber);
            Assert.Equal(At(7, 2, 10), cal.Leaf.NotBefore);
        }

        Assert.False(Cal(device).IsTemporary);
    }

    private void SetTime(DateTimeOffset at)
    {
        Assert.True(at >= _time.GetUtcNow(), "the fleet's clock only moves forward");
        _time.Advance(at - _time.GetUtcNow());
    }

    private async Task<LicensingExchangeResult> ConnectAndLogOnAsync(Device device, EmulatedLicenseServerOptions options, EmulatedLicensePool pool)
    {
        LicensingExchangeResult result = await ConnectAsync(device, options, pool);
        pool.RecordLogon(result.HardwareId);
        return result;
    }

    /// <summary>One connection: the device's driver against a new emulated server on the shared pool, over pipes.</summary>
    private async Task<LicensingExchangeResult> ConnectAsync(Device device, EmulatedLicenseServerOptions options, EmulatedLicensePool pool)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 200), null, options);
        // A fresh seed per connection, so that a device that must make a HWID makes one no other device has.
        var driver = new PipeLicensingDriver(device.Store, new SequenceRandomSource(++_seed), _time, new PipeLicensingDriverOptions { UserName = "operator", MachineName = device.Name });
        using var cts = new CancellationTokenSource(s_testTimeout);
        Task serverTask = server.RunAsync(toServer.Reader, toClient.Writer, cts.Token);
        LicensingExchangeResult result = await driver.RunAsync(toClient.Reader, toServer.Writer, cts.Token);
        await toServer.Writer.CompleteAsync();
        await serverTask;

        Assert.True(result.Succeeded, $"{device.Name} on {_time.GetUtcNow():yyyy-MM-dd HH:mm}: {result.Failure}");
        Assert.Empty(server.Violations);
        if (result.HardwareIdCreated)
        {
            _hardwareIds.Add(result.HardwareId);
        }

        // Never more seats taken than the pool has, whatever the day.
        int taken = pool.IssuedLicenses.Count(l => !l.Temporary);
        Assert.InRange(taken, 0, pool.Capacity);
        Assert.Equal(pool.Capacity - taken, pool.FreeCount);
        return result;
    }

    private static StoredLicense Single(Device device) => Assert.Single(device.Store.Load().Licenses);

    private static ClientAccessLicense Cal(Device device)
    {
        Assert.True(ClientAccessLicense.TryDecode(Single(device).LicenseInfo.Span, out ClientAccessLicense? cal, out DecodeError error), error.ToString());
        return cal!;
    }

    private sealed class Device(string name)
    {
        public string Name { get; } = name;

        public MemoryLicenseStore Store { get; } = new();

        public ClientHardwareId HardwareId => Store.Load().HardwareId!.Value;
    }

    private sealed class HardwareIdOrder : IComparer<ClientHardwareId>
    {
        public static HardwareIdOrder Instance { get; } = new();

        public int Compare(ClientHardwareId x, ClientHardwareId y) => x.Data.Span.SequenceCompareTo(y.Data.Span);
    }
}
