using TsThinLic.Cal;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Emulation;

/// <summary>
/// The license pool on its own (its books, through the internal API) and behind the emulated server (whole sans-I/O
/// exchanges, the CALs it mints decoded like real ones).
/// </summary>
public sealed class EmulatedLicensePoolTests
{
    private static readonly DateTimeOffset s_june1 = new(2026, 6, 1, 9, 30, 0, TimeSpan.Zero);

    private static ClientHardwareId Hwid(uint n) => new(0x04010000, n, 0x11111111, 0x22222222, 0x33333333);

    /// <summary>A pool whose random source gives these bytes, one per permanent term, then a counter stream.</summary>
    private static EmulatedLicensePool Pool(int capacity, ManualTimeProvider time, params byte[] terms)
        => new(capacity, time, new SequenceRandomSource(seed: 3, terms.Select(b => new[] { b }).ToArray()));

    private static ClientAccessLicense Decode(ReadOnlyMemory<byte> license)
    {
        Assert.True(ClientAccessLicense.TryDecode(license.Span, out ClientAccessLicense? cal, out DecodeError error), error.ToString());
        return cal!;
    }

    public sealed class Books
    {
        [Fact]
        public void AFirstConnectionGetsATemporaryCalEvenWithEverySeatFree()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(3, time);

            EmulatedPoolLicense issued = pool.IssueFirst(Hwid(1));

            Assert.True(issued.Temporary);
            Assert.Equal(s_june1, issued.NotBefore);
            Assert.Equal(new DateTimeOffset(2026, 8, 29, 9, 30, 0, TimeSpan.Zero), issued.NotAfter); // day 90, June 1 being day 1
            Assert.Equal(3, pool.FreeCount);
            Assert.Equal(issued, Assert.Single(pool.IssuedLicenses));
        }

        [Fact]
        public void ATemporaryCalIsUpgradedOnlyAfterALogon()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(3, time, 0);
            pool.IssueFirst(Hwid(1));
            time.Advance(TimeSpan.FromDays(1));

            // Nothing presented that is valid, no logon: no seat, and nothing to hand back.
            Assert.Equal(EmulatedPoolAnswer.Refuse, pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).Answer);
            Assert.False(pool.HasLoggedOn(Hwid(1)));

            pool.RecordLogon(Hwid(1));
            EmulatedPoolDecision decision = pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty);

            Assert.Equal(EmulatedPoolAnswer.Issue, decision.Answer);
            Assert.False(decision.License!.Temporary);
            Assert.Equal(s_june1.AddDays(1), decision.License.NotBefore);
            Assert.Equal(s_june1.AddDays(1 + 51), decision.License.NotAfter); // term 52 days (random byte 0)
            Assert.Equal(2, pool.FreeCount);
            Assert.Equal(decision.License, Assert.Single(pool.IssuedLicenses));
        }

        [Fact]
        public void EachPermanentTermIsDrawnFromTheInjectedRandomSource()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(3, time, 0, 37, 38 + 10);

            int[] terms = [.. Enumerable.Range(1, 3).Select(n =>
            {
                pool.IssueFirst(Hwid((uint)n));
                pool.RecordLogon(Hwid((uint)n));
                EmulatedPoolLicense permanent = pool.Upgrade(Hwid((uint)n), ReadOnlySpan<byte>.Empty).License!;
                return (int)(permanent.NotAfter - permanent.NotBefore).TotalDays + 1;
            })];

            Assert.Equal([52, 89, 62], terms);
        }

        [Fact]
        public void AnExhaustedPoolNeverIssuesMoreThanItsCapacity()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(2, time);
            for (uint n = 1; n <= 5; n++)
            {
                pool.IssueFirst(Hwid(n));
                pool.RecordLogon(Hwid(n));
            }

            EmulatedPoolAnswer[] answers = [.. Enumerable.Range(1, 5).Select(n => pool.Upgrade(Hwid((uint)n), ReadOnlySpan<byte>.Empty).Answer)];

            Assert.Equal([EmulatedPoolAnswer.Issue, EmulatedPoolAnswer.Issue, EmulatedPoolAnswer.Refuse, EmulatedPoolAnswer.Refuse, EmulatedPoolAnswer.Refuse], answers);
            Assert.Equal(0, pool.FreeCount);
            Assert.Equal(2, pool.IssuedLicenses.Count(l => !l.Temporary));
            Assert.Equal(3, pool.IssuedLicenses.Count(l => l.Temporary));
        }

        [Fact]
        public void AnUnrenewedPermanentCalReturnsToThePoolAtItsExpiry()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(1, time, 0);
            pool.IssueFirst(Hwid(1));
            pool.RecordLogon(Hwid(1));
            EmulatedPoolLicense permanent = pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).License!;
            Assert.Equal(0, pool.FreeCount);

            time.Advance(permanent.NotAfter - time.GetUtcNow() - TimeSpan.FromSeconds(1));
            Assert.Equal(0, pool.FreeCount);
            time.Advance(TimeSpan.FromSeconds(1));

            Assert.Equal(1, pool.FreeCount);
            Assert.Empty(pool.IssuedLicenses);
        }

        [Fact]
        public void APermanentCalIsRenewedInItsLastSevenDaysOnlyKeepingItsSeat()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(1, time, 0, 37);
            pool.IssueFirst(Hwid(1));
            pool.RecordLogon(Hwid(1));
            EmulatedPoolLicense first = pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).License!;

            time.Advance(first.NotAfter - time.GetUtcNow() - EmulatedLicensePool.RenewalWindow - TimeSpan.FromSeconds(1));
            Assert.Equal(first, pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).License); // 7 days and a second left: the same CAL
            time.Advance(TimeSpan.FromSeconds(1));
            EmulatedPoolLicense renewed = pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).License!;

            Assert.False(renewed.Temporary);
            Assert.Equal(time.GetUtcNow(), renewed.NotBefore);
            Assert.Equal(EmulatedLicensePool.ExpiryOf(renewed.NotBefore, 89), renewed.NotAfter);
            Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
            Assert.Equal(renewed, Assert.Single(pool.IssuedLicenses));
            Assert.Equal(0, pool.FreeCount);
        }

        [Fact]
        public void ADeviceThatAsksAgainGetsTheCalItHoldsNotASecondOne()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(2, time);
            EmulatedPoolLicense temporary = pool.IssueFirst(Hwid(1));
            time.Advance(TimeSpan.FromDays(3));
            Assert.Equal(temporary, pool.IssueFirst(Hwid(1))); // the 90 days do not start again

            pool.RecordLogon(Hwid(1));
            EmulatedPoolLicense permanent = pool.Upgrade(Hwid(1), ReadOnlySpan<byte>.Empty).License!;
            time.Advance(TimeSpan.FromDays(1));

            Assert.Equal(permanent, pool.IssueFirst(Hwid(1)));
            Assert.Equal(1, pool.FreeCount);
        }

        [Fact]
        public void ALogonWithoutAValidCalIsAMistakeOfTheCaller()
        {
            var time = new ManualTimeProvider(s_june1);
            EmulatedLicensePool pool = Pool(1, time);

            Assert.Throws<InvalidOperationException>(() => pool.RecordLogon(Hwid(1)));
            pool.IssueFirst(Hwid(1));
            time.Advance(TimeSpan.FromDays(89));
            Assert.Throws<InvalidOperationException>(() => pool.RecordLogon(Hwid(1))); // its temporary CAL expired
        }

        [Fact]
        public void ThePoolGoesWithNeitherAScriptNorALicenseFactory()
        {
            var pool = new EmulatedLicensePool(1, TimeProvider.System, new SequenceRandomSource(1));

            Assert.Throws<ArgumentException>(() => new EmulatedLicenseServer(new SequenceRandomSource(1), EmulatedServerScript.NewLicense, new EmulatedLicenseServerOptions { LicensePool = pool }));
            Assert.Throws<ArgumentException>(() => new EmulatedLicenseServer(new SequenceRandomSource(1), null, new EmulatedLicenseServerOptions { LicensePool = pool, LicenseFactory = _ => new byte[] { 1 } }));
            Assert.Throws<ArgumentException>(() => new EmulatedLicenseServer(new SequenceRandomSource(1), null, new EmulatedLicenseServerOptions { LicensePool = pool, UpgradePresentedLicenses = true }));
        }
    }

    /// <summary>Whole exchanges against servers that share one pool.</summary>
    public sealed class Exchanges
    {
        private readonly ManualTimeProvider _time = new(s_june1);

        private EmulatedLicenseServerOptions Options(EmulatedLicensePool pool) => new() { Time = _time, LicensePool = pool };

        [Fact]
        public void TheFirstCalIsATemporaryOneMintedForTheDevice()
        {
            EmulatedLicensePool pool = Pool(3, _time);
            var device = new PoolDevice(Hwid(1), "TC-0001");

            LicensingStepResult result = device.Connect(Options(pool), _time);

            Assert.Equal(LicensingOutcome.LicenseIssued, result.Outcome);
            Assert.Empty(device.Server!.Violations);
            ClientAccessLicense cal = Decode(device.License!.LicenseInfo);
            Assert.True(cal.IsTemporary);
            Assert.Equal(Hwid(1), cal.HardwareId);
            Assert.Equal("TC-0001", cal.IssuedToMachine);
            EmulatedPoolLicense books = Assert.Single(pool.IssuedLicenses);
            Assert.Equal((books.NotBefore, books.NotAfter), (cal.Leaf.NotBefore, cal.Leaf.NotAfter));
            Assert.Equal(s_june1, cal.Leaf.NotBefore);
            Assert.Equal(new DateTimeOffset(2026, 8, 29, 9, 30, 0, TimeSpan.Zero), cal.Leaf.NotAfter);
            Assert.Equal(books.SerialNumber, (ulong)new System.Numerics.BigInteger(cal.Leaf.SerialNumber.Span, isUnsigned: true, isBigEndian: true));
            Assert.Equal(3, pool.FreeCount);
        }

        [Fact]
        public void AfterALogonTheNextConnectionUpgradesToAPermanentCal()
        {
            EmulatedLicensePool pool = Pool(3, _time, 20);
            var device = new PoolDevice(Hwid(1), "TC-0001");
            device.Connect(Options(pool), _time);
            pool.RecordLogon(Hwid(1));
            _time.Advance(TimeSpan.FromDays(1));

            LicensingStepResult result = device.Connect(Options(pool), _time);

            Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
            Assert.Empty(device.Server!.Violations);
            Assert.Equal(
                [LicensingMessageType.LicenseInfo, LicensingMessageType.PlatformChallengeResponse],
                device.Server.Received);
            ClientAccessLicense cal = Decode(device.License!.LicenseInfo);
            Assert.False(cal.IsTemporary);
            Assert.Equal(Hwid(1), cal.HardwareId);
            Assert.Equal("TC-0001", cal.IssuedToMachine); // from the presented CAL: LICENSE_INFO carries no names
            Assert.Equal(_time.GetUtcNow(), cal.Leaf.NotBefore);
            Assert.Equal(EmulatedLicensePool.ExpiryOf(_time.GetUtcNow(), 72), cal.Leaf.NotAfter); // 52 + 20
            EmulatedPoolLicense books = Assert.Single(pool.IssuedLicenses);
            Assert.False(books.Temporary);
            Assert.Equal(cal.Leaf.NotAfter, books.NotAfter);
            Assert.Equal(2, pool.FreeCount);
        }

        [Fact]
        public void WithoutALogonTheTemporaryCalComesBackUnchanged()
        {
            EmulatedLicensePool pool = Pool(3, _time);
            var device = new PoolDevice(Hwid(1), "TC-0001");
            device.Connect(Options(pool), _time);
            byte[] temporary = device.License!.LicenseInfo.ToArray();
            _time.Advance(TimeSpan.FromDays(1));

            LicensingStepResult result = device.Connect(Options(pool), _time);

            // [MS-RDPELE 3.2.5.5] case 4: UPGRADE_LICENSE with the old license.
            Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
            Assert.Equal(temporary, device.License.LicenseInfo.ToArray());
            Assert.Equal(3, pool.FreeCount);
        }

        [Fact]
        public void WithNoSeatFreeTheValidTemporaryCalComesBackUnchanged()
        {
            EmulatedLicensePool pool = Pool(1, _time);
            var holder = new PoolDevice(Hwid(1), "TC-0001");
            var waiting = new PoolDevice(Hwid(2), "TC-0002");
            holder.Connect(Options(pool), _time);
            waiting.Connect(Options(pool), _time);
            pool.RecordLogon(Hwid(1));
            pool.RecordLogon(Hwid(2));
            _time.Advance(TimeSpan.FromDays(1));
            holder.Connect(Options(pool), _time);
            byte[] temporary = waiting.License!.LicenseInfo.ToArray();

            LicensingStepResult result = waiting.Connect(Options(pool), _time);

            Assert.Equal(LicensingOutcome.LicenseUpgraded, result.Outcome);
            Assert.Equal(temporary, waiting.License.LicenseInfo.ToArray());
            Assert.False(Decode(holder.License!.LicenseInfo).IsTemporary);
            Assert.Equal(0, pool.FreeCount);
        }

        [Fact]
        public void AnExpiredTemporaryCalWithNoSeatFreeIsRefusedWithErrInvalidClient()
        {
            EmulatedLicensePool pool = Pool(0, _time);
            var device = new PoolDevice(Hwid(1), "TC-0001");
            device.Connect(Options(pool), _time);
            pool.RecordLogon(Hwid(1));
            _time.Advance(TimeSpan.FromDays(89) - TimeSpan.FromSeconds(1));
            Assert.Equal(LicensingOutcome.LicenseUpgraded, device.Connect(Options(pool), _time).Outcome); // its last second
            _time.Advance(TimeSpan.FromSeconds(1));

            LicensingStepResult result = device.Connect(Options(pool), _time);

            Assert.Equal(LicensingStatus.Failed, result.Status);
            Assert.Equal(LicensingFailureReason.ServerAborted, result.Failure!.Reason);
            Assert.Equal(LicensingErrorCode.InvalidClient, result.Failure.ServerErrorCode);
            Assert.Equal(LicensingStateTransition.TotalAbort, result.Failure.ServerStateTransition);
            // Case 3 of [MS-RDPELE 3.2.5.5]: the refusal answers the platform challenge response.
            Assert.Equal([LicensingMessageType.LicenseInfo, LicensingMessageType.PlatformChallengeResponse], device.Server!.Received);
        }

        [Fact]
        public void APermanentCalIsAcceptedAsItIsUntilItsLastSevenDaysThenRenewed()
        {
            EmulatedLicensePool pool = Pool(1, _time, 0, 10);
            var device = new PoolDevice(Hwid(1), "TC-0001");
            device.Connect(Options(pool), _time);
            pool.RecordLogon(Hwid(1));
            _time.Advance(TimeSpan.FromDays(1));
            device.Connect(Options(pool), _time);
            ClientAccessLicense permanent = Decode(device.License!.LicenseInfo);
            _time.Advance(permanent.Leaf.NotAfter!.Value - _time.GetUtcNow() - TimeSpan.FromDays(8));

            Assert.Equal(LicensingOutcome.ValidClient, device.Connect(Options(pool), _time).Outcome);
            Assert.Equal([LicensingMessageType.LicenseInfo], device.Server!.Received);

            _time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(LicensingOutcome.LicenseUpgraded, device.Connect(Options(pool), _time).Outcome);
            ClientAccessLicense renewed = Decode(device.License.LicenseInfo);
            Assert.False(renewed.IsTemporary);
            Assert.Equal(Hwid(1), renewed.HardwareId);
            Assert.Equal(_time.GetUtcNow(), renewed.Leaf.NotBefore);
            Assert.Equal(EmulatedLicensePool.ExpiryOf(_time.GetUtcNow(), 62), renewed.Leaf.NotAfter); // 52 + 10
            Assert.Equal(0, pool.FreeCount);
        }
    }

    /// <summary>A device for sans-I/O exchanges: its HWID and the CAL it keeps between connections.</summary>
    private sealed class PoolDevice(ClientHardwareId hardwareId, string machineName)
    {
        private byte _seed = 1;

        public NewLicenseInfo? License { get; private set; }

        public EmulatedLicenseServer? Server { get; private set; }

        public LicensingStepResult Connect(EmulatedLicenseServerOptions options, TimeProvider time)
        {
            LicenseStoreSnapshot stored = License is { } license
                ? new LicenseStoreSnapshot(hardwareId, [new StoredLicense(new LicenseKey(license.Version, license.Scope, license.CompanyName, license.ProductId), license.LicenseInfo, time.GetUtcNow())])
                : LicenseStoreSnapshot.Empty;
            var client = new LicensingClient(new ClientIdentity(hardwareId, "alice", machineName), stored, new SequenceRandomSource(_seed++));
            Server = new EmulatedLicenseServer(new SequenceRandomSource(seed: 90), null, options);
            LicensingStepResult result = SansIoExchange.Run(client, Server).Last!;
            License = result.License ?? License;
            return result;
        }
    }
}
