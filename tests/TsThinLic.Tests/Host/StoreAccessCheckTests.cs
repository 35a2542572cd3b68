using TsThinLic.Diagnostics;
using TsThinLic.Host;
using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>
/// The registry half of doctor's store-access check, on the findings <see cref="RegistryLicenseStore.CheckEnvironment"/>
/// gives for an in-memory hive (the Windows registry itself is not here; a .reg export carries no ACL or UWF state).
/// </summary>
public sealed class StoreAccessCheckTests
{
    private static readonly RegistryAccessRule[] s_fullControl =
    [
        new("S-1-5-18", true, RegistryAccessRule.FullControl),
        new("S-1-5-32-544", true, RegistryAccessRule.FullControl),
    ];

    private static DoctorCheck Evaluate(IReadOnlyList<RegistryAccessRule> rules, WriteFilterState filter)
    {
        var hive = new MemoryRegistry { WriteFilter = filter };
        hive.SetValue(RegistryLicenseStore.HardwareIdKey, RegistryLicenseStore.ClientHwidValue, RegistryValue.Binary(DoctorStoreKit.NewHwid().ToArray()));
        hive.SetAccessRules(RegistryLicenseStore.RootKey, rules);
        return StoreAccessCheck.EvaluateRegistry(new RegistryLicenseStore(hive).CheckEnvironment());
    }

    [Fact]
    public void FullControlForSystemAndAdministratorsWithoutAWriteFilterIsOk()
    {
        DoctorCheck check = Evaluate(s_fullControl, new WriteFilterState(false, null, "test"));

        Assert.Equal(DoctorVerdict.Ok, check.Verdict);
        Assert.Equal(DoctorCheckIds.StoreAccess, check.Id);
    }

    [Fact]
    public void AnAclWithoutSystemFullControlMeans1004()
    {
        DoctorCheck check = Evaluate([s_fullControl[1]], new WriteFilterState(false, null, "test"));

        Assert.Equal(DoctorVerdict.Problem, check.Verdict);
        Assert.Equal([ServerEvents.CannotIssueLicense], check.ServerEvents);
        Assert.Contains("Full Control", check.Fix, StringComparison.Ordinal);
        Assert.False(check.WipeFixes);
    }

    [Fact]
    public void UwfWithoutPersistTscalLosesEveryCalAtRebootAnd1011Follows()
    {
        DoctorCheck check = Evaluate(s_fullControl, new WriteFilterState(true, false, "test"));

        Assert.Equal(DoctorVerdict.Problem, check.Verdict);
        Assert.Equal([ServerEvents.TemporaryLicenseExpired], check.ServerEvents);
        Assert.Contains("set-persistent-tscal on", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void UwfWhosePersistTscalCannotBeReadIsAWarning()
        => Assert.Equal(DoctorVerdict.Warning, Evaluate(s_fullControl, new WriteFilterState(true, null, "test")).Verdict);

    [Fact]
    public void UwfThatPersistsCalsIsOk()
        => Assert.Equal(DoctorVerdict.Ok, Evaluate(s_fullControl, new WriteFilterState(true, true, "test")).Verdict);
}
