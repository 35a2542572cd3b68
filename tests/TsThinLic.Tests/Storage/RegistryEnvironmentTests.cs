using TsThinLic.Storage;
using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>The registry store's report on the key's ACL and on the Unified Write Filter's PersistTSCAL.</summary>
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
}
