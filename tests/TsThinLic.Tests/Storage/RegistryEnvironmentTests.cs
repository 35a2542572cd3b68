using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// The registry store's report on the ACL of MSLicensing and of its HardwareID and Store subkeys, and on the Unified
/// Write Filter's PersistTSCAL. The ACLs are the ones .ci/wine-registry.sh meets in Wine's registry: Wine's default for
/// a new key (no SYSTEM), the one Windows gives a key under HKLM\SOFTWARE, and a deny ACE for Everyone on HardwareID.
/// </summary>
public sealed class RegistryEnvironmentTests
{
    private static MemoryRegistry Hive(params RegistryAccessRule[] rules)
    {
        var hive = new MemoryRegistry();
        hive.CreateKey(RegistryLicenseStore.RootKey);
        hive.SetAccessRules(RegistryLicenseStore.RootKey, rules);
        return hive;
    }

    private static readonly RegistryAccessRule s_system = new("S-1-5-18", true, RegistryAccessRule.FullControl);
    private static readonly RegistryAccessRule s_administrators = new("S-1-5-32-544", true, RegistryAccessRule.FullControl);

    [Fact]
    public void ExpectedAclIsHealthy()
    {
        IReadOnlyList<StoreFinding> findings = new RegistryLicenseStore(Hive(s_system, s_administrators)).CheckEnvironment();

        Assert.All(findings, f => Assert.NotEqual(StoreFindingKind.Attention, f.Kind));
        Assert.Equal(2, findings.Count(f => f.Record.EndsWith("ACL", StringComparison.Ordinal) && f.Kind == StoreFindingKind.Valid));
    }

    [Fact]
    public void MissingOrDeniedFullControlNeedsAttention()
    {
        var readOnlyAdmins = new RegistryAccessRule("S-1-5-32-544", true, 0x20019 /* KEY_READ */);
        var deniedSystem = new RegistryAccessRule("S-1-5-18", false, RegistryAccessRule.FullControl);

        IReadOnlyList<StoreFinding> findings = new RegistryLicenseStore(Hive(s_system, deniedSystem, readOnlyAdmins)).CheckEnvironment();

        Assert.Contains(findings, f => f.Kind == StoreFindingKind.Attention && f.Detail.StartsWith("SYSTEM", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == StoreFindingKind.Attention && f.Detail.StartsWith("Administrators", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, true, StoreFindingKind.Valid, "PersistTSCAL is on")]
    [InlineData(true, false, StoreFindingKind.Attention, "PersistTSCAL is off")]
    [InlineData(true, null, StoreFindingKind.Attention, "could not be read")]
    [InlineData(false, null, StoreFindingKind.Valid, "not present")]
    public void ReportsTheWriteFilter(bool present, bool? persist, StoreFindingKind kind, string detail)
    {
        MemoryRegistry hive = Hive(s_system, s_administrators);
        hive.WriteFilter = new WriteFilterState(present, persist, "test");

        StoreFinding finding = Assert.Single(new RegistryLicenseStore(hive).CheckEnvironment(), f => f.Record == "Unified Write Filter");

        Assert.Equal(kind, finding.Kind);
        Assert.Contains(detail, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyIncludesTheEnvironment()
    {
        MemoryRegistry hive = Hive(s_system);
        hive.WriteFilter = new WriteFilterState(true, false, "test");

        StoreVerification verification = new RegistryLicenseStore(hive).Verify();

        Assert.False(verification.IsHealthy);
        Assert.Contains(verification.Findings, f => f.Record == "Unified Write Filter");
    }

    private static readonly RegistryAccessRule s_denyEveryone = new("S-1-1-0", false, RegistryAccessRule.FullControl);

    /// <summary>The store's three keys, each with the rules given (the root with SYSTEM and Administrators).</summary>
    private static MemoryRegistry Store(IReadOnlyList<RegistryAccessRule> hardwareId, IReadOnlyList<RegistryAccessRule> store)
    {
        MemoryRegistry hive = Hive(s_system, s_administrators);
        hive.CreateKey(RegistryLicenseStore.HardwareIdKey);
        hive.CreateKey(RegistryLicenseStore.StoreKey);
        hive.SetAccessRules(RegistryLicenseStore.HardwareIdKey, hardwareId);
        hive.SetAccessRules(RegistryLicenseStore.StoreKey, store);
        return hive;
    }

    [Fact]
    public void ADenyAceForEveryoneOnHardwareIdIsNamed()
    {
        MemoryRegistry hive = Store([s_denyEveryone, s_system, s_administrators], [s_system, s_administrators]);

        IReadOnlyList<StoreFinding> findings = new RegistryLicenseStore(hive).CheckEnvironment();

        StoreFinding[] attention = findings.Where(f => f.Kind == StoreFindingKind.Attention).ToArray();
        Assert.Equal(2, attention.Length);
        Assert.All(attention, f =>
        {
            Assert.Equal(@"HKLM\SOFTWARE\Microsoft\MSLicensing\HardwareID ACL", f.Record);
            Assert.Contains("a deny ACE for S-1-1-0 takes 0x000f003f", f.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void WinesDefaultAclOnASubkeyLacksSystem()
    {
        // Wine's key_get_sd: Administrators Full Control; Users Read only on subkeys (inherit-only, so not read here).
        MemoryRegistry hive = Store([s_administrators], [s_system, s_administrators]);

        StoreFinding finding = Assert.Single(new RegistryLicenseStore(hive).CheckEnvironment(), f => f.Kind == StoreFindingKind.Attention);

        Assert.Equal(@"HKLM\SOFTWARE\Microsoft\MSLicensing\HardwareID ACL", finding.Record);
        Assert.StartsWith("SYSTEM (S-1-5-18) lacks Full Control (it is granted 0x00000000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FullControlForEveryoneCountsForSystemAndAdministrators()
    {
        MemoryRegistry hive = Hive(new RegistryAccessRule("S-1-1-0", true, RegistryAccessRule.FullControl));

        Assert.Equal(2, new RegistryLicenseStore(hive).CheckEnvironment().Count(f => f.Record.EndsWith("ACL", StringComparison.Ordinal) && f.Kind == StoreFindingKind.Valid));
    }

    [Fact]
    public void FullControlMayComeFromSeveralAces()
    {
        // KEY_READ | KEY_WRITE from one ACE and DELETE, WRITE_DAC, WRITE_OWNER, KEY_CREATE_LINK from another.
        MemoryRegistry hive = Hive(new RegistryAccessRule("S-1-5-18", true, 0x2001F), new RegistryAccessRule("S-1-5-18", true, 0xD0020), s_administrators);

        Assert.DoesNotContain(new RegistryLicenseStore(hive).CheckEnvironment(), f => f.Kind == StoreFindingKind.Attention);
    }

    [Fact]
    public void AnAclTheRegistryRefusesIsReportedNotThrown()
    {
        MemoryRegistry hive = Store([s_system, s_administrators], [s_system, s_administrators]);
        IRegistry registry = Substitute.For<IRegistry>();
        registry.KeyExists(Arg.Any<string>()).Returns(c => hive.KeyExists(c.Arg<string>()));
        registry.GetAccessRules(Arg.Any<string>()).Returns(c => hive.GetAccessRules(c.Arg<string>()));
        registry.GetWriteFilterState().Returns(hive.WriteFilter);
        registry.GetAccessRules(RegistryLicenseStore.StoreKey).Throws(RegistryException.FromWin32(5, "reading the ACL of", RegistryLicenseStore.StoreKey));

        IReadOnlyList<StoreFinding> findings = new RegistryLicenseStore(registry).CheckEnvironment();

        StoreFinding finding = Assert.Single(findings, f => f.Kind == StoreFindingKind.Attention);
        Assert.Equal(@"HKLM\SOFTWARE\Microsoft\MSLicensing\Store ACL", finding.Record);
        Assert.StartsWith(@"the ACL cannot be read: reading the ACL of HKLM\SOFTWARE\Microsoft\MSLicensing\Store: ", finding.Detail, StringComparison.Ordinal);
        Assert.EndsWith("(Win32 error 5)", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyTheRegistryRefusesToOpenIsReportedNotThrown()
    {
        IRegistry registry = Substitute.For<IRegistry>();
        registry.KeyExists(RegistryLicenseStore.RootKey).Throws(RegistryException.FromWin32(5, "opening", RegistryLicenseStore.RootKey));
        registry.GetWriteFilterState().Returns(WriteFilterState.Unknown);

        StoreFinding finding = Assert.Single(new RegistryLicenseStore(registry).CheckEnvironment());

        Assert.Equal(StoreFindingKind.Attention, finding.Kind);
        Assert.StartsWith(@"the key cannot be opened: opening HKLM\SOFTWARE\Microsoft\MSLicensing: ", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyDaclOnASubkeyLacksEverything()
    {
        // A DACL with no ACE refuses every account.
        MemoryRegistry hive = Store([], [s_system, s_administrators]);

        IReadOnlyList<StoreFinding> findings = new RegistryLicenseStore(hive).CheckEnvironment();

        Assert.Equal(2, findings.Count(f => f.Kind == StoreFindingKind.Attention && f.Record.Contains("HardwareID", StringComparison.Ordinal)));
    }

    [Fact]
    public void AMissingSubkeyIsNotReported()
    {
        MemoryRegistry hive = Hive(s_system, s_administrators);

        Assert.DoesNotContain(new RegistryLicenseStore(hive).CheckEnvironment(), f => f.Record.Contains("HardwareID", StringComparison.Ordinal) || f.Record.Contains("Store", StringComparison.Ordinal));
    }

    [Fact]
    public void AHiveThatKeepsNoAclIsNotJudged()
    {
        // What a .reg file reads into: keys and values, no security descriptors.
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive);
        store.Save(new LicenseStoreUpdate(StoreTestKit.Hwid(1), StoreTestKit.License(StoreTestKit.KeyA, 1), null));

        Assert.DoesNotContain(store.CheckEnvironment(), f => f.Record.EndsWith("ACL", StringComparison.Ordinal));
        Assert.True(store.Verify().IsHealthy);
    }
}
