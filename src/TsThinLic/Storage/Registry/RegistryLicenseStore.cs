using System.Buffers.Binary;
using System.Globalization;
using System.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Logging;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// The store in the layout Windows' own RDP client uses (hardware/registry-layout-mslicensing.md), so a Windows-based
/// terminal keeps one license store whichever client connects: <c>HKLM\SOFTWARE\Microsoft\MSLicensing\HardwareID\ClientHWID</c>
/// (REG_BINARY, 20 bytes) and <c>Store\LICENSE000…</c> with <c>ClientLicense</c>, <c>CompanyName</c>,
/// <c>LicenseScope</c>, <c>ProductID</c> (REG_BINARY, the NEW_LICENSE_INFO blobs). The registry has no transactions
/// here, so every update is ordered to be safe at any interruption: a new <c>LICENSE0xx</c> is written whole (its
/// <c>ClientLicense</c> last, which marks it complete) before the one it replaces or supersedes is deleted; an entry
/// that is incomplete or fails its checks is treated as absent. Three values of ours ride along, ignored by Windows:
/// <c>HardwareID\DeviceFingerprint</c>, and per entry <c>LicenseVersion</c> (dwVersion) and <c>StoredAt</c>; while an
/// update is in flight the new entry also names the entries it replaces (<c>Supersedes</c>), so that an upgrade takes
/// effect whole at the moment its <c>ClientLicense</c> is written, even if deleting the old entry never happens.
/// </summary>
public sealed class RegistryLicenseStore : IVerifiableLicenseStore, ITransferableLicenseStore
{
    public const string RootKey = @"SOFTWARE\Microsoft\MSLicensing";
    public const string HardwareIdKey = RootKey + @"\HardwareID";
    public const string StoreKey = RootKey + @"\Store";
    public const string ClientHwidValue = "ClientHWID";
    public const string ClientLicenseValue = "ClientLicense";
    public const string CompanyNameValue = "CompanyName";
    public const string LicenseScopeValue = "LicenseScope";
    public const string ProductIdValue = "ProductID";
    public const string DeviceFingerprintValue = "DeviceFingerprint";
    public const string LicenseVersionValue = "LicenseVersion";
    public const string StoredAtValue = "StoredAt";
    public const string SupersedesValue = "Supersedes";
    public const string EntryPrefix = "LICENSE";

    /// <summary>SYSTEM and BUILTIN\Administrators: the trustees expected to hold Full Control of MSLicensing.</summary>
    public static readonly IReadOnlyList<(string Sid, string Name)> ExpectedFullControl = [("S-1-5-18", "SYSTEM"), ("S-1-5-32-544", "Administrators")];

    /// <summary>
    /// dwVersion of an entry Windows wrote (it keeps no version value): the highest, so that the entry is offered to
    /// any server asking for its product and the server decides ([MS-RDPELE 3.3.5.1]), as Windows' client does.
    /// </summary>
    public const uint UnknownVersion = uint.MaxValue;

    private const int EntryDigits = 3;
    private const int MaxEntries = 1000;

    private readonly IRegistry _registry;
    private readonly DeviceFingerprint? _deviceFingerprint;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public RegistryLicenseStore(IRegistry registry, DeviceFingerprint? deviceFingerprint = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _deviceFingerprint = deviceFingerprint;
        _logger = logger ?? NullLogger.Instance;
    }

    public LicenseStoreSnapshot Load()
    {
        lock (_lock)
        {
            return Guard("read", () => Read(log: true).Effective.ToSnapshot());
        }
    }

    public void Save(LicenseStoreUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            Guard("write", () =>
            {
                State state = Read(log: true);
                StoreContent next = state.Effective.Apply(update, _deviceFingerprint);
                if (update.License is { } license)
                {
                    // The same caps as the other stores, checked before anything is written.
                    int longest = Math.Max(WireStrings.EncodeAnsiZ(license.Key.Scope).Length, Math.Max(WireStrings.EncodeUnicodeZ(license.Key.CompanyName).Length, WireStrings.EncodeUnicodeZ(license.Key.ProductId).Length));
                    if (longest > LicenseStoreLimits.MaxKeyStringBytes)
                    {
                        throw new LicenseStoreException($"A license key string of {longest} bytes is over the store's limit of {LicenseStoreLimits.MaxKeyStringBytes}.");
                    }
                }

                Write(state, next, update.License, update.Supersedes);
                return 0;
            });
        }
    }

    public void Wipe(bool licensesOnly)
    {
        lock (_lock)
        {
            Guard("wipe", () =>
            {
                // CALs first, then the HWID record: an interrupted wipe leaves the HWID with fewer CALs, never CALs
                // without the HWID they were issued to.
                _registry.DeleteKeyTree(StoreKey);
                if (!licensesOnly)
                {
                    _registry.DeleteKeyTree(HardwareIdKey);
                    _registry.DeleteKeyTree(RootKey);
                }

                return 0;
            });
            Log.StoreWiped(_logger, "registry MSLicensing", licensesOnly ? "licenses" : "everything");
        }
    }

    public LicenseStoreContents ReadContents()
    {
        lock (_lock)
        {
            return Guard("read", () => LicenseStoreContents.From(Read(log: false).Raw));
        }
    }

    /// <summary>
    /// Replaces the contents. The registry has no transactions: the order is the wipe's (CALs, then the HWID record)
    /// followed by Save's (HWID record, then each entry with ClientLicense last), so a cut leaves a subset of the old
    /// or the new CALs with their own HWID, never CALs beside a HWID they were not issued to.
    /// </summary>
    public void ReplaceContents(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        lock (_lock)
        {
            Guard("write", () =>
            {
                _registry.DeleteKeyTree(StoreKey);
                _registry.DeleteKeyTree(HardwareIdKey);
                if (contents.HardwareId is { } hardwareId)
                {
                    _registry.SetValue(HardwareIdKey, ClientHwidValue, RegistryValue.Binary(hardwareId.ToArray()));
                    if (contents.Fingerprint is { } fingerprint)
                    {
                        _registry.SetValue(HardwareIdKey, DeviceFingerprintValue, RegistryValue.Binary(fingerprint.ToArray()));
                    }
                }

                for (int i = 0; i < contents.Licenses.Count; i++)
                {
                    WriteEntry(EntryPrefix + i.ToString("D3", CultureInfo.InvariantCulture), contents.Licenses[i], []);
                }

                return 0;
            });
        }
    }

    public StoreVerification Verify()
    {
        lock (_lock)
        {
            return Guard("read", () =>
            {
                State state = Read(log: false);
                var findings = new List<StoreFinding>(state.Findings);
                if (state.CloneDetected)
                {
                    findings.Add(new StoreFinding(@"HardwareID\" + DeviceFingerprintValue, StoreFindingKind.Clone, "the HWID was made on another device; a new one is made on next use"));
                }

                findings.AddRange(CheckEnvironment());
                return new StoreVerification(@"registry HKLM\" + RootKey, findings, state.Effective.ToSnapshot());
            });
        }
    }

    /// <summary>
    /// The ACL of the key and of its HardwareID and Store subkeys (SYSTEM and Administrators are expected to hold Full
    /// Control of each: Windows' client runs its license code as the user, with the key's ACL letting it write; a rule
    /// for Everyone counts for both, and a deny ACE takes away what it names) and, where UWF is present, whether it
    /// persists TS CALs. A key whose ACL cannot be read is reported with the registry's reason, never thrown.
    /// </summary>
    public IReadOnlyList<StoreFinding> CheckEnvironment()
    {
        var findings = new List<StoreFinding>();
        bool rootExists;
        try
        {
            rootExists = _registry.KeyExists(RootKey);
        }
        catch (Exception exception) when (IsRegistryFailure(exception))
        {
            findings.Add(new StoreFinding($@"HKLM\{RootKey} ACL", StoreFindingKind.Attention, $"the key cannot be opened: {exception.Message}; Windows logs event 1004 when the client cannot read or write the key"));
            rootExists = false;
        }

        if (findings.Count == 0 && !rootExists)
        {
            findings.Add(new StoreFinding(@"HKLM\" + RootKey, StoreFindingKind.Empty, "the key does not exist yet (it is made at the first license)"));
        }
        else if (rootExists)
        {
            foreach (string key in new[] { RootKey, HardwareIdKey, StoreKey })
            {
                CheckAcl(key, reportValid: key == RootKey, findings);
            }
        }

        WriteFilterState filter = _registry.GetWriteFilterState();
        if (filter.Present == true)
        {
            findings.Add(filter.PersistTscal switch
            {
                true => new StoreFinding("Unified Write Filter", StoreFindingKind.Valid, $"PersistTSCAL is on: CALs survive a reboot ({filter.Source})"),
                false => new StoreFinding("Unified Write Filter", StoreFindingKind.Attention, $"PersistTSCAL is off: every CAL is lost at reboot and the server's pool drains into temporary CALs; enable it (uwfmgr registry set-persistent-tscal on) ({filter.Source})"),
                null => new StoreFinding("Unified Write Filter", StoreFindingKind.Attention, $"UWF is present and PersistTSCAL could not be read ({filter.Source})"),
            });
        }
        else if (filter.Present == false)
        {
            findings.Add(new StoreFinding("Unified Write Filter", StoreFindingKind.Valid, $"not present ({filter.Source})"));
        }

        foreach (StoreFinding finding in findings.Where(f => f.Kind == StoreFindingKind.Attention))
        {
            Log.StoreRegistryAttention(_logger, $"{finding.Record}: {finding.Detail}");
        }

        return findings;
    }

    private void CheckAcl(string key, bool reportValid, List<StoreFinding> findings)
    {
        string record = $@"HKLM\{key} ACL";
        IReadOnlyList<RegistryAccessRule>? rules;
        try
        {
            // Reading the ACL needs only READ_CONTROL, which a key's owner keeps even when a deny ACE takes everything
            // else, so a denied key is reported with the ACE that denies it.
            rules = _registry.GetAccessRules(key);
        }
        catch (Exception exception) when (IsRegistryFailure(exception))
        {
            findings.Add(new StoreFinding(record, StoreFindingKind.Attention, $"the ACL cannot be read: {exception.Message}"));
            return;
        }

        if (rules is null)
        {
            // No such key, or a registry that keeps no ACL (a .reg file): nothing to judge.
            return;
        }

        foreach ((string sid, string name) in ExpectedFullControl)
        {
            // Allow and deny ACEs for the trustee or for Everyone; a deny takes away what it names whatever its place
            // (Windows orders explicit denies first).
            uint allowed = 0;
            uint denied = 0;
            var deniedBy = new List<string>();
            foreach (RegistryAccessRule rule in rules)
            {
                if (rule.Sid != sid && rule.Sid != KeySecurityDescriptor.Everyone)
                {
                    continue;
                }

                if (rule.Allow)
                {
                    allowed |= rule.Rights;
                }
                else if ((rule.Rights & RegistryAccessRule.FullControl) != 0)
                {
                    denied |= rule.Rights;
                    if (!deniedBy.Contains(rule.Sid))
                    {
                        deniedBy.Add(rule.Sid);
                    }
                }
            }

            if ((allowed & ~denied & RegistryAccessRule.FullControl) == RegistryAccessRule.FullControl)
            {
                if (reportValid)
                {
                    findings.Add(new StoreFinding(record, StoreFindingKind.Valid, $"{name} ({sid}) has Full Control"));
                }

                continue;
            }

            string why = deniedBy.Count > 0
                ? $"a deny ACE for {string.Join(", ", deniedBy)} takes 0x{denied & RegistryAccessRule.FullControl:x8}"
                : $"it is granted 0x{allowed & RegistryAccessRule.FullControl:x8} of 0x{RegistryAccessRule.FullControl:x8}";
            findings.Add(new StoreFinding(record, StoreFindingKind.Attention, $"{name} ({sid}) lacks Full Control ({why}): Windows logs event 1004 when the client cannot read or write the key"));
        }
    }

    private static bool IsRegistryFailure(Exception exception) => exception is UnauthorizedAccessException or IOException or SecurityException;

    private void Write(State state, StoreContent next, StoredLicense? added, LicenseKey? supersedes)
    {
        // 1. The HWID record: ClientHWID before the fingerprint, so an interruption between them leaves a new HWID
        //    with the old (or no) fingerprint, which is only ever a reason to regenerate, never a clone let through.
        if (next.HardwareId is { } hardwareId && (state.Raw.HardwareId != hardwareId || state.Raw.Fingerprint != next.Fingerprint))
        {
            _registry.SetValue(HardwareIdKey, ClientHwidValue, RegistryValue.Binary(hardwareId.ToArray()));
            if (next.Fingerprint is { } fingerprint)
            {
                _registry.SetValue(HardwareIdKey, DeviceFingerprintValue, RegistryValue.Binary(fingerprint.ToArray()));
            }
            else
            {
                _registry.DeleteValue(HardwareIdKey, DeviceFingerprintValue);
            }
        }

        // 2. The new CAL in a new entry, written whole before anything is deleted.
        string? written = null;
        if (added is not null)
        {
            written = FreeEntryName(state.EntryNames, state.Superseded);
            string[] replaced = state.Entries.Where(e => e.License.Key == added.Key || e.License.Key == supersedes).Select(e => e.Name).ToArray();
            WriteEntry(written, added, replaced);
        }

        // 3. Delete every entry the next content does not keep: the replaced and superseded CALs, duplicates left by
        //    an earlier interruption, incomplete entries, and a clone's CALs.
        var keep = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (written is not null)
        {
            keep.Add(written);
        }

        foreach ((string name, StoredLicense license) in state.Entries)
        {
            if (next.Licenses.Any(l => l.Key == license.Key) && (added is null || added.Key != license.Key) && state.Chosen.Contains(name))
            {
                keep.Add(name);
            }
        }

        foreach (string name in state.EntryNames)
        {
            if (!keep.Contains(name))
            {
                _registry.DeleteKeyTree(StoreKey + "\\" + name);
                Log.StoreRegistryEntryRemoved(_logger, name);
            }
        }

        // 4. The superseded entries are gone: the pointer to them is no longer needed.
        foreach (string name in keep)
        {
            if (_registry.GetValue(StoreKey + "\\" + name, SupersedesValue) is not null)
            {
                _registry.DeleteValue(StoreKey + "\\" + name, SupersedesValue);
            }
        }
    }

    private void WriteEntry(string name, StoredLicense license, IReadOnlyList<string> replaced)
    {
        string key = StoreKey + "\\" + name;
        _registry.SetValue(key, LicenseScopeValue, RegistryValue.Binary(WireStrings.EncodeAnsiZ(license.Key.Scope)));
        _registry.SetValue(key, CompanyNameValue, RegistryValue.Binary(WireStrings.EncodeUnicodeZ(license.Key.CompanyName)));
        _registry.SetValue(key, ProductIdValue, RegistryValue.Binary(WireStrings.EncodeUnicodeZ(license.Key.ProductId)));
        _registry.SetValue(key, LicenseVersionValue, RegistryValue.DWord(license.Key.Version));
        _registry.SetValue(key, StoredAtValue, RegistryValue.QWord(unchecked((ulong)license.StoredAt.ToUnixTimeMilliseconds())));
        if (replaced.Count > 0)
        {
            _registry.SetValue(key, SupersedesValue, RegistryValue.String(string.Join(';', replaced)));
        }

        // ClientLicense last: an entry without it is incomplete, so a cut above leaves no half CAL; once it is
        // written the entries it supersedes no longer count, whether or not their deletion happens.
        _registry.SetValue(key, ClientLicenseValue, RegistryValue.Binary(license.LicenseInfo.Span));
    }

    private static string FreeEntryName(IReadOnlyList<string> used, IReadOnlySet<string> referenced)
    {
        // After the highest in use, so that among duplicates left by a cut the higher number is the newer one.
        int highest = -1;
        var numbers = new HashSet<int>();
        foreach (string name in used.Concat(referenced))
        {
            if (TryEntryNumber(name, out int number))
            {
                numbers.Add(number);
                highest = Math.Max(highest, number);
            }
        }

        for (int i = 1; i <= MaxEntries; i++)
        {
            int candidate = (highest + i) % MaxEntries;
            if (!numbers.Contains(candidate))
            {
                return EntryPrefix + candidate.ToString("D3", CultureInfo.InvariantCulture);
            }
        }

        throw new LicenseStoreException($"Store holds {MaxEntries} entries; wipe it.");
    }

    private static bool TryEntryNumber(string name, out int number)
    {
        number = -1;
        return name.Length == EntryPrefix.Length + EntryDigits
            && name.StartsWith(EntryPrefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(EntryPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private State Read(bool log)
    {
        var findings = new List<StoreFinding>();
        void Corrupt(string record, string reason)
        {
            findings.Add(new StoreFinding(record, StoreFindingKind.Corrupt, reason));
            if (log)
            {
                Log.StoreRecordCorrupt(_logger, record, reason);
            }
        }

        ClientHardwareId? hardwareId = null;
        DeviceFingerprint? fingerprint = null;
        const string HwidRecord = @"HardwareID\" + ClientHwidValue;
        RegistryValue? hwid = _registry.GetValue(HardwareIdKey, ClientHwidValue);
        if (hwid is null)
        {
            findings.Add(new StoreFinding(HwidRecord, StoreFindingKind.Empty, "no HWID yet"));
        }
        else if (hwid.Type != RegistryValueType.Binary || hwid.Data.Length != ClientHardwareId.Length
            || !ClientHardwareId.TryDecode(hwid.Data.Span, out ClientHardwareId decoded, out _))
        {
            Corrupt(HwidRecord, $"{hwid.Type}, {hwid.Data.Length} bytes; a HWID is REG_BINARY of {ClientHardwareId.Length} bytes");
        }
        else
        {
            hardwareId = decoded;
            findings.Add(new StoreFinding(HwidRecord, StoreFindingKind.Valid, $"platform 0x{decoded.PlatformId:x8}"));
            RegistryValue? print = _registry.GetValue(HardwareIdKey, DeviceFingerprintValue);
            if (print is { Type: RegistryValueType.Binary } && print.Data.Length == DeviceFingerprint.Length)
            {
                fingerprint = new DeviceFingerprint(print.Data.Span);
            }
            else if (print is not null)
            {
                Corrupt(@"HardwareID\" + DeviceFingerprintValue, $"{print.Type}, {print.Data.Length} bytes; ignored, the HWID is kept");
            }
        }

        IReadOnlyList<string> names = _registry.GetSubKeyNames(StoreKey);
        var entries = new List<(string Name, StoredLicense License)>();
        foreach (string name in names)
        {
            string record = @"Store\" + name;
            if (!TryEntryNumber(name, out _))
            {
                Corrupt(record, "not a LICENSEnnn entry");
                continue;
            }

            if (TryReadEntry(StoreKey + "\\" + name, out StoredLicense? license, out string reason))
            {
                entries.Add((name, license!));
            }
            else
            {
                Corrupt(record, reason);
            }
        }

        // Entries named by a complete entry's Supersedes are already replaced (an update stopped before deleting them).
        var superseded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (_registry.GetValue(StoreKey + "\\" + entry.Name, SupersedesValue) is { Type: RegistryValueType.String } pointer)
            {
                foreach (string name in System.Text.Encoding.Unicode.GetString(pointer.Data.Span).TrimEnd('\0').Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    superseded.Add(name);
                }
            }
        }

        foreach (var entry in entries.Where(e => superseded.Contains(e.Name)).ToArray())
        {
            entries.Remove(entry);
            findings.Add(new StoreFinding(@"Store\" + entry.Name, StoreFindingKind.Superseded, "replaced by a newer entry; removed at the next update"));
        }

        // One CAL per key: duplicates exist only after an interrupted update; the newer (later StoredAt, then the
        // higher entry number) is the one kept.
        var chosen = new List<(string Name, StoredLicense License)>();
        foreach (var group in entries.GroupBy(e => e.License.Key))
        {
            var best = group.OrderByDescending(e => e.License.StoredAt).ThenByDescending(e => e.Name, StringComparer.OrdinalIgnoreCase).First();
            chosen.Add(best);
            foreach (var other in group.Where(e => e.Name != best.Name))
            {
                findings.Add(new StoreFinding(@"Store\" + other.Name, StoreFindingKind.Superseded, $"duplicate of {best.Name} ({group.Key})"));
            }
        }

        chosen.Sort((a, b) => string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase));
        foreach (var entry in chosen)
        {
            findings.Add(new StoreFinding(@"Store\" + entry.Name, StoreFindingKind.Valid, $"{entry.License.Key}, {entry.License.LicenseInfo.Length} bytes"));
        }

        var raw = new StoreContent(hardwareId, fingerprint, chosen.Take(LicenseStoreLimits.MaxLicenses).Select(e => e.License).ToArray());
        StoreContent effective = raw.ForDevice(_deviceFingerprint, out bool clone);
        if (clone && log)
        {
            Log.StoreCloneDetected(_logger);
        }

        return new State(raw, effective, clone, names, entries, chosen.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase), superseded, findings);
    }

    private bool TryReadEntry(string key, out StoredLicense? license, out string reason)
    {
        license = null;
        RegistryValue? info = _registry.GetValue(key, ClientLicenseValue);
        RegistryValue? scope = _registry.GetValue(key, LicenseScopeValue);
        RegistryValue? company = _registry.GetValue(key, CompanyNameValue);
        RegistryValue? product = _registry.GetValue(key, ProductIdValue);
        if (info is null || scope is null || company is null || product is null)
        {
            reason = "incomplete: ClientLicense, LicenseScope, CompanyName and ProductID are all required (an interrupted write)";
            return false;
        }

        if (info.Type != RegistryValueType.Binary || info.Data.Length is 0 or > LicenseStoreLimits.MaxLicenseInfoLength)
        {
            reason = $"ClientLicense is {info.Type} of {info.Data.Length} bytes; REG_BINARY of 1..{LicenseStoreLimits.MaxLicenseInfoLength} expected";
            return false;
        }

        foreach ((string name, RegistryValue value) in new[] { (LicenseScopeValue, scope), (CompanyNameValue, company), (ProductIdValue, product) })
        {
            if (value.Type != RegistryValueType.Binary || value.Data.Length > LicenseStoreLimits.MaxKeyStringBytes)
            {
                reason = $"{name} is {value.Type} of {value.Data.Length} bytes; REG_BINARY of at most {LicenseStoreLimits.MaxKeyStringBytes} expected";
                return false;
            }
        }

        uint version = UnknownVersion;
        if (_registry.GetValue(key, LicenseVersionValue) is { Type: RegistryValueType.DWord } versionValue && versionValue.Data.Length == 4)
        {
            version = BinaryPrimitives.ReadUInt32LittleEndian(versionValue.Data.Span);
        }

        DateTimeOffset storedAt = DateTimeOffset.UnixEpoch;
        if (_registry.GetValue(key, StoredAtValue) is { Type: RegistryValueType.QWord } storedValue && storedValue.Data.Length == 8)
        {
            long ms = BinaryPrimitives.ReadInt64LittleEndian(storedValue.Data.Span);
            if (ms >= 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                storedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
        }

        var licenseKey = new LicenseKey(version, WireStrings.DecodeAnsiZ(scope.Data.Span), WireStrings.DecodeUnicodeZ(company.Data.Span), WireStrings.DecodeUnicodeZ(product.Data.Span));
        license = new StoredLicense(licenseKey, info.Data, storedAt);
        reason = string.Empty;
        return true;
    }

    private static T Guard<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (RegistryException exception)
        {
            // It names the key the OS refused and says why in the OS's words.
            throw new LicenseStoreException($"The registry refused the store's {what}: {exception.Message}", exception);
        }
        catch (Exception exception) when (IsRegistryFailure(exception))
        {
            throw new LicenseStoreException($"The registry refused the store's {what} of HKLM\\{RootKey}: {exception.Message}", exception);
        }
    }

    private sealed record State(
        StoreContent Raw,
        StoreContent Effective,
        bool CloneDetected,
        IReadOnlyList<string> EntryNames,
        IReadOnlyList<(string Name, StoredLicense License)> Entries,
        HashSet<string> Chosen,
        HashSet<string> Superseded,
        IReadOnlyList<StoreFinding> Findings);
}
