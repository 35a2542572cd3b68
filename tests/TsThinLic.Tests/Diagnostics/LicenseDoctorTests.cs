using TsThinLic.Diagnostics;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using Xunit;
using static TsThinLic.Tests.Host.DoctorStoreKit;

namespace TsThinLic.Tests.Diagnostics;

/// <summary><see cref="LicenseDoctor"/>'s rules on what a store holds, fed snapshots directly.</summary>
public sealed class LicenseDoctorTests
{
    private static DoctorCheck Run(string id, ClientHardwareId? hardwareId, IReadOnlyList<StoredLicense> licenses, DateTimeOffset? now = null, IReadOnlyList<StoreFinding>? findings = null)
        => Assert.Single(LicenseDoctor.CheckStoreContent(new StoreVerification("test", findings ?? [], new LicenseStoreSnapshot(hardwareId, licenses)), now ?? Now), c => c.Id == id);

    [Fact]
    public void RunsEveryContentCheckInOrder()
        => Assert.Equal(DoctorCheckIds.All.Skip(2), LicenseDoctor.CheckStoreContent(new StoreVerification("test", [], LicenseStoreSnapshot.Empty), Now).Select(c => c.Id));

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xFF)]
    public void AConstantHwidIsSharedByEveryDeviceThatHasIt(byte fill)
    {
        DoctorCheck check = Run(DoctorCheckIds.HardwareId, new ClientHardwareId(0x04010000, Enumerable.Repeat(fill, 16).ToArray()), []);

        Assert.Equal(DoctorVerdict.Problem, check.Verdict);
        Assert.True(check.WipeFixes);
        Assert.Equal([ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense], check.ServerEvents);
    }

    [Theory]
    [InlineData(0x00010000u, DoctorVerdict.Warning)] // OS ID 0
    [InlineData(0x07010000u, DoctorVerdict.Warning)] // OS ID 7
    [InlineData(0x01000000u, DoctorVerdict.Ok)]      // CLIENT_OS_ID_WINNT_351, no ISV
    [InlineData(0x04020000u, DoctorVerdict.Ok)]      // CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_CITRIX
    public void ThePlatformIdsOsIdIsOneOfTheSpecsFour(uint platformId, DoctorVerdict expected)
        => Assert.Equal(expected, Run(DoctorCheckIds.HardwareId, new ClientHardwareId(platformId, NewHwid().Data.Span), []).Verdict);

    [Fact]
    public void CalsWithoutAHwidBelongToNoDevice()
    {
        var other = NewHwid();
        var licenses = new[] { License(Mint(other, true, Now.AddDays(-1), Now.AddDays(89))) };

        Assert.Equal(DoctorVerdict.Warning, Run(DoctorCheckIds.HardwareId, null, licenses).Verdict);
        DoctorCheck binding = Run(DoctorCheckIds.CalHardwareId, null, licenses);
        Assert.Equal(DoctorVerdict.Problem, binding.Verdict);
        Assert.Contains("this device has no HWID", binding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ACalFromTheFutureMeansTheDeviceClockIsBehind()
    {
        var hwid = NewHwid();
        DoctorCheck check = Run(DoctorCheckIds.CalExpiry, hwid, [License(Mint(hwid, true, Now.AddDays(30), Now.AddDays(120)))]);

        Assert.Equal(DoctorVerdict.Warning, check.Verdict);
        Assert.Contains("clock", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiredTemporaryCalBesideAValidPermanentOneIsStaleNotAProblem()
    {
        var hwid = NewHwid();
        var licenses = new[]
        {
            License(Mint(hwid, true, Now.AddDays(-100), Now.AddDays(-10))),
            License(Mint(hwid, false, Now.AddDays(-5), Now.AddDays(55), major: 10), Key with { Version = 0x000A0000 }),
        };

        DoctorCheck check = Run(DoctorCheckIds.CalExpiry, hwid, licenses);

        Assert.Equal(DoctorVerdict.Ok, check.Verdict);
        Assert.Contains("superseded by a permanent CAL", check.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ATemporaryCalTenDaysFromExpiryIsFlaggedWhateverItsAge()
    {
        // A 90-day CAL issued 80 days ago, or one a server issued for less: ten days left is when 1011 becomes near.
        var hwid = NewHwid();
        Assert.Equal(DoctorVerdict.Problem, Run(DoctorCheckIds.TemporaryCalAge, hwid, [License(Mint(hwid, true, Now.AddDays(-80), Now.AddDays(10)))]).Verdict);
        Assert.Equal(DoctorVerdict.Problem, Run(DoctorCheckIds.TemporaryCalAge, hwid, [License(Mint(hwid, true, Now.AddDays(-20), Now.AddDays(9)))]).Verdict);
        Assert.Equal(DoctorVerdict.Ok, Run(DoctorCheckIds.TemporaryCalAge, hwid, [License(Mint(hwid, true, Now.AddDays(-79), Now.AddDays(11)))]).Verdict);
    }

    [Fact]
    public void RegistryLeftoversAreDuplicatesButAFlashSlotIsThePowerLossCopy()
    {
        var hwid = NewHwid();
        var licenses = new[] { License(Mint(hwid, true, Now, Now.AddDays(90))) };

        DoctorCheck registry = Run(DoctorCheckIds.DuplicateCals, hwid, licenses, findings: [new(@"Store\LICENSE001", StoreFindingKind.Superseded, "duplicate of LICENSE002 (…)")]);
        DoctorCheck flash = Run(DoctorCheckIds.DuplicateCals, hwid, licenses, findings: [new("slot A at 0x0", StoreFindingKind.Superseded, "sequence 1, the previous snapshot")]);

        Assert.Equal(DoctorVerdict.Warning, registry.Verdict);
        Assert.Equal(DoctorVerdict.Ok, flash.Verdict);
        Assert.Contains("power loss", flash.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedRegistryCalEntryIsFixedByWipingTheCalsOnly()
    {
        DoctorCheck check = Run(DoctorCheckIds.CorruptRecords, NewHwid(), [], findings: [new(@"Store\LICENSE003", StoreFindingKind.Corrupt, "incomplete")]);

        Assert.Equal(DoctorVerdict.Problem, check.Verdict);
        Assert.Equal([ServerEvents.InvalidLicense], check.ServerEvents);
        Assert.StartsWith("tsthinlic wipe --cals-only", check.FixText(TsThinLic.Host.DoctorCommand.FixCommandLine), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEventANamedCheckCanGiveIsInTheCatalogWithASource()
    {
        foreach (int id in new[] { 1000, 1003, 1004, 1011, 1028 })
        {
            ServerEvent? serverEvent = ServerEvents.Find(id);
            Assert.NotNull(serverEvent);
            Assert.StartsWith("https://", serverEvent.Reference, StringComparison.Ordinal);
        }
    }
}
