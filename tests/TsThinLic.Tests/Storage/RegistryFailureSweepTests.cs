using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Registry;
using Xunit;
using Xunit.Abstractions;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// The registry store under failure: the scripted life of <see cref="PowerCutSweepTests"/> replayed with the registry
/// failing after its N-th write (every N), access denied, and a subkey that vanishes between enumeration and reading.
/// The failures are injected with NSubstitute around the in-memory hive.
/// </summary>
public sealed class RegistryFailureSweepTests(ITestOutputHelper output)
{
    /// <summary>An <see cref="IRegistry"/> that forwards to <paramref name="hive"/> and fails every write after <paramref name="writesAllowed"/>.</summary>
    private static IRegistry Failing(MemoryRegistry hive, int writesAllowed, Func<Exception> failure, Action? onWrite = null)
    {
        IRegistry registry = Substitute.For<IRegistry>();
        int writes = 0;
        void Write(Action action)
        {
            if (writes++ >= writesAllowed)
            {
                throw failure();
            }

            onWrite?.Invoke();
            action();
        }

        registry.KeyExists(Arg.Any<string>()).Returns(c => hive.KeyExists(c.Arg<string>()));
        registry.GetSubKeyNames(Arg.Any<string>()).Returns(c => hive.GetSubKeyNames(c.Arg<string>()));
        registry.GetValueNames(Arg.Any<string>()).Returns(c => hive.GetValueNames(c.Arg<string>()));
        registry.GetValue(Arg.Any<string>(), Arg.Any<string>()).Returns(c => hive.GetValue(c.ArgAt<string>(0), c.ArgAt<string>(1)));
        registry.GetAccessRules(Arg.Any<string>()).Returns(c => hive.GetAccessRules(c.Arg<string>()));
        registry.GetWriteFilterState().Returns(_ => hive.GetWriteFilterState());
        registry.When(r => r.SetValue(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<RegistryValue>()))
            .Do(c => Write(() => hive.SetValue(c.ArgAt<string>(0), c.ArgAt<string>(1), c.ArgAt<RegistryValue>(2))));
        registry.When(r => r.DeleteValue(Arg.Any<string>(), Arg.Any<string>()))
            .Do(c => Write(() => hive.DeleteValue(c.ArgAt<string>(0), c.ArgAt<string>(1))));
        registry.When(r => r.DeleteKeyTree(Arg.Any<string>()))
            .Do(c => Write(() => hive.DeleteKeyTree(c.Arg<string>())));
        return registry;
    }

    [Fact]
    public void EveryStepSurvivesAFailureAfterEveryWrite()
    {
        LicenseStoreSnapshot[] expected = PowerCutSweepTests.ExpectedStates();
        var reference = new MemoryRegistry();
        int cases = 0;
        for (int step = 0; step < PowerCutSweepTests.s_script.Length; step++)
        {
            var (name, run) = PowerCutSweepTests.s_script[step];
            MemoryRegistry before = reference.Clone();
            int writes = 0;
            run(new RegistryLicenseStore(Failing(before.Clone(), int.MaxValue, () => new IOException(), () => writes++)));
            LicenseStoreSnapshot old = expected[step];
            LicenseStoreSnapshot @new = expected[step + 1];
            for (int n = 0; n < writes; n++)
            {
                foreach (Func<Exception> failure in new Func<Exception>[] { () => new IOException("the device is not ready"), () => new UnauthorizedAccessException("access denied") })
                {
                    MemoryRegistry hive = before.Clone();
                    LicenseStoreException refused = Assert.Throws<LicenseStoreException>(() => run(new RegistryLicenseStore(Failing(hive, n, failure))));
                    Assert.Contains(@"MSLicensing", refused.Message, StringComparison.Ordinal);
                    PowerCutSweepTests.AssertOldOrNew(new RegistryLicenseStore(hive).Load(), old, @new, $"{name}, failure after write {n}");

                    // A second failure during the recovery, then a recovery that completes.
                    MemoryRegistry recovery = hive.Clone();
                    try
                    {
                        run(new RegistryLicenseStore(Failing(recovery, n / 2, failure)));
                    }
                    catch (LicenseStoreException)
                    {
                    }

                    PowerCutSweepTests.AssertOldOrNew(new RegistryLicenseStore(recovery).Load(), old, @new, $"{name}, failure after write {n}, then after {n / 2}");
                    run(new RegistryLicenseStore(hive));
                    Assert.True(SameContent(@new, new RegistryLicenseStore(hive).Load()), $"{name}: recovery after write {n} did not reach the new state");
                    cases += 2;
                }
            }

            run(new RegistryLicenseStore(reference));
            Assert.True(SameContent(@new, new RegistryLicenseStore(reference).Load()));
        }

        output.WriteLine($"registry store: {cases} failure-injection cases");
        Assert.True(cases > PowerCutSweepTests.s_script.Length);
    }

    [Fact]
    public void AccessDeniedOnReadIsAStoreErrorNotAnEmptyStore()
    {
        IRegistry registry = Substitute.For<IRegistry>();
        registry.GetValue(Arg.Any<string>(), Arg.Any<string>()).Throws(new UnauthorizedAccessException("Access to the registry key is denied."));

        // An unreadable key must not look empty: the client would then make a new HWID at every connection.
        Assert.Throws<LicenseStoreException>(() => new RegistryLicenseStore(registry).Load());
    }

    public static TheoryData<string> StoreOperations() => ["Load", "Save", "Wipe", "ReadContents", "ReplaceContents", "Verify"];

    [Theory]
    [MemberData(nameof(StoreOperations))]
    public void ADeniedHardwareIdKeyIsAStoreErrorWithTheOsWords(string operation)
    {
        // What Wine's registry answers once a deny ACE for Everyone is on HardwareID (.ci/wine-registry.sh): opening
        // the key fails with ERROR_ACCESS_DENIED, whatever is asked of it.
        var hive = new MemoryRegistry();
        new RegistryLicenseStore(hive).Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
        MemoryRegistry before = hive.Clone();
        RegistryException denied = RegistryException.FromWin32(5, "reading", RegistryLicenseStore.HardwareIdKey);
        IRegistry registry = Failing(hive, int.MaxValue, () => new IOException());
        registry.GetValue(RegistryLicenseStore.HardwareIdKey, Arg.Any<string>()).Throws(denied);
        registry.When(r => r.SetValue(RegistryLicenseStore.HardwareIdKey, Arg.Any<string>(), Arg.Any<RegistryValue>())).Throw(denied);
        registry.When(r => r.DeleteKeyTree(RegistryLicenseStore.HardwareIdKey)).Throw(denied);
        var store = new RegistryLicenseStore(registry);
        Action run = operation switch
        {
            "Load" => () => store.Load(),
            "Save" => () => store.Save(new LicenseStoreUpdate(Hwid(2), License(KeyB, 2), null)),
            "Wipe" => () => store.Wipe(licensesOnly: false),
            "ReadContents" => () => store.ReadContents(),
            "ReplaceContents" => () => store.ReplaceContents(new LicenseStoreContents(Hwid(3), null, [])),
            _ => () => store.Verify(),
        };

        LicenseStoreException refused = Assert.Throws<LicenseStoreException>(run);

        Assert.Same(denied, refused.InnerException);
        Assert.StartsWith(@"The registry refused the store's ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(@"HKLM\SOFTWARE\Microsoft\MSLicensing\HardwareID: ", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("(Win32 error 5)", refused.Message, StringComparison.Ordinal);
        if (operation is "Load" or "Save" or "ReadContents" or "Verify")
        {
            // Refused before anything was written.
            Assert.True(hive.ContentEquals(before));
        }
    }

    [Fact]
    public void AnEntryThatVanishesBetweenEnumerationAndReadIsAbsent()
    {
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive);
        store.Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
        store.Save(new LicenseStoreUpdate(null, License(KeyB, 2), null));
        string vanished = hive.GetSubKeyNames(RegistryLicenseStore.StoreKey)[0];
        IRegistry registry = Failing(hive, int.MaxValue, () => new IOException());
        registry.GetValue(RegistryLicenseStore.StoreKey + "\\" + vanished, Arg.Any<string>()).Returns((RegistryValue?)null);

        LicenseStoreSnapshot loaded = new RegistryLicenseStore(registry).Load();

        Assert.Single(loaded.Licenses);
        Assert.Equal(Hwid(1), loaded.HardwareId);
    }

    [Fact]
    public void WritesTheNewEntryBeforeDeletingTheOneItSupersedes()
    {
        var hive = new MemoryRegistry();
        new RegistryLicenseStore(hive).Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1), null));
        IRegistry registry = Failing(hive, int.MaxValue, () => new IOException());

        new RegistryLicenseStore(registry).Save(new LicenseStoreUpdate(null, License(KeyC, 2), KeyA));

        Received.InOrder(() =>
        {
            registry.SetValue(@"SOFTWARE\Microsoft\MSLicensing\Store\LICENSE001", "LicenseScope", Arg.Any<RegistryValue>());
            registry.SetValue(@"SOFTWARE\Microsoft\MSLicensing\Store\LICENSE001", "ClientLicense", Arg.Any<RegistryValue>());
            registry.DeleteKeyTree(@"SOFTWARE\Microsoft\MSLicensing\Store\LICENSE000");
        });
    }
}
