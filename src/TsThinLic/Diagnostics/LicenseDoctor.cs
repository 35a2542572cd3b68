using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Diagnostics;

/// <summary>
/// The checks of <c>tsthinlic doctor</c> that read what a store holds: the client half of the troubleshooting checklist
/// in techgenix's "Troubleshooting Terminal Server Licensing Issues" part 4 (the MSLicensing key, TSCTST's view of each
/// CAL, the popular event IDs, thin clients), automated. Sans-I/O: it is handed what <see cref="IVerifiableLicenseStore.Verify"/>
/// found and the injected clock's time, and says per check what is wrong, which server event the symptom causes
/// (<see cref="ServerEvents"/>) and whether a wipe is the right fix. The host adds the checks that need I/O (server
/// reachability, file modes and owners, the registry ACL and UWF).
/// </summary>
/// <remarks>
/// Lifetimes are Microsoft's: a temporary per-device CAL lasts 90 days and is upgraded to a permanent one at a
/// connection after the user has logged on successfully; without a permanent CAL in the license server's pool it keeps
/// working until those 90 days end (Microsoft Ask the Performance Team, "Multiple per device RDS CALs are issued the
/// same device", 2015; techgenix part 4: temporary CALs at first connection, permanent ones after a successful logon).
/// </remarks>
public static class LicenseDoctor
{
    /// <summary>A temporary CAL lives 90 days (Microsoft's RDS CAL documentation; DESIGN.md).</summary>
    public const int TemporaryLifetimeDays = 90;

    /// <summary>From this age a temporary CAL with no permanent one beside it is flagged: 1011 is at most ten days away.</summary>
    public const int TemporaryAttritionDays = 80;

    // Where a fix names a command: each front end writes its own (DoctorCheck.CommandPlaceholder, FixCommand).
    private const string Command = DoctorCheck.CommandPlaceholder;

    /// <summary>
    /// The store-content checks, in run order: <see cref="DoctorCheckIds.HardwareId"/>, <see cref="DoctorCheckIds.CalDecode"/>,
    /// <see cref="DoctorCheckIds.CalHardwareId"/>, <see cref="DoctorCheckIds.TemporaryCalAge"/>, <see cref="DoctorCheckIds.CalExpiry"/>,
    /// <see cref="DoctorCheckIds.DuplicateCals"/>, <see cref="DoctorCheckIds.CorruptRecords"/>.
    /// </summary>
    /// <param name="verification">What the store's Verify found (a memory store: no findings, its snapshot).</param>
    /// <param name="now">The injected clock's time.</param>
    public static IReadOnlyList<DoctorCheck> CheckStoreContent(StoreVerification verification, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(verification);
        var content = new Content(verification, now);
        return [CheckHardwareId(content), CheckDecode(content), CheckCalHardwareId(content), CheckTemporaryAge(content), CheckExpiry(content), CheckDuplicates(content), CheckCorruptRecords(content)];
    }

    /// <summary>The store-content checks, all skipped for one reason (the store could not be read).</summary>
    public static IReadOnlyList<DoctorCheck> SkipStoreContent(string why)
        => [.. new[] { DoctorCheckIds.HardwareId, DoctorCheckIds.CalDecode, DoctorCheckIds.CalHardwareId, DoctorCheckIds.TemporaryCalAge, DoctorCheckIds.CalExpiry, DoctorCheckIds.DuplicateCals, DoctorCheckIds.CorruptRecords }
            .Select(id => DoctorCheck.Skipped(id, why))];

    private static DoctorCheck CheckHardwareId(Content content)
    {
        const string Id = DoctorCheckIds.HardwareId;
        if (content.Clone)
        {
            // DESIGN.md, Stores: the device fingerprint beside the HWID is how a cloned image notices it is a clone.
            // Until each unit makes its own HWID, the servers see one device behind many (1003/1004 as their CALs cross).
            return new DoctorCheck(
                Id,
                DoctorVerdict.Problem,
                "the HWID record was made on another device (the device fingerprint stored beside it is not this device's): this is a cloned image, and every unit cloned from it presents the same HWID and its CALs",
                $"{Command}: this device makes its own HWID and gets its own CAL at the next connection (it would also do so by itself, but the wipe clears the other device's CALs from this image now); capture golden images only after a wipe",
                [ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense],
                WipeFixes: true)
            { FixCommand = DoctorFixCommand.Wipe };
        }

        if (content.Snapshot.HardwareId is not { } hardwareId)
        {
            if (content.Snapshot.Licenses.Count > 0)
            {
                return new DoctorCheck(Id, DoctorVerdict.Warning, $"no HWID, yet {content.Snapshot.Licenses.Count} CAL(s) are stored: the next connection makes a new HWID, which those CALs were not issued to (see {DoctorCheckIds.CalHardwareId})", string.Empty, [], false);
            }

            return content.Corrupt.Count > 0
                ? new DoctorCheck(Id, DoctorVerdict.Warning, $"no usable HWID: the record that held it is damaged (see {DoctorCheckIds.CorruptRecords}); a new one is made at the next connection, and the server sees a new device", string.Empty, [], false)
                : DoctorCheck.Ok(Id, "no HWID yet: it is made (16 random bytes and the PlatformId) at the first connection");
        }

        string fingerprint = HardwareIdFingerprint.Compute(hardwareId.ToArray());
        ReadOnlySpan<byte> data = hardwareId.Data.Span;
        if (!data.ContainsAnyExcept((byte)0x00) || !data.ContainsAnyExcept((byte)0xFF))
        {
            // DESIGN.md: the HWID is 16 CSPRNG bytes. A constant one is shared by every device that has it, exactly as a clone's.
            return new DoctorCheck(
                Id,
                DoctorVerdict.Problem,
                $"HWID {fingerprint}: Data1..Data4 are all 0x{data[0]:x2}, not random, so every device with such a record presents the same HWID",
                $"{Command}: the next connection makes a random HWID",
                [ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense],
                WipeFixes: true)
            { FixCommand = DoctorFixCommand.Wipe };
        }

        // [MS-RDPELE 2.2.2.2] PlatformId: the top byte is the client OS ID (CLIENT_OS_ID_WINNT_351 = 1 up to
        // CLIENT_OS_ID_WINNT_POST_52 = 4), the next the ISV that built the image (CLIENT_IMAGE_ID_MICROSOFT = 1, _CITRIX = 2).
        uint platformId = hardwareId.PlatformId;
        uint osId = platformId >> 24;
        uint isvId = (platformId >> 16) & 0xFF;
        string platform = $"PlatformId 0x{platformId:x8} (OS ID {osId}, ISV ID {isvId})";
        if (osId is < 1 or > 4)
        {
            return new DoctorCheck(
                Id,
                DoctorVerdict.Warning,
                $"HWID {fingerprint}: {platform}: the OS ID is none of [MS-RDPELE] 2.2.2.2's CLIENT_OS_ID values (1 to 4); servers take it as given, but no licensing client writes it",
                "check the device profile's platformId (0x04010000 is what Windows clients and FreeRDP announce)",
                [],
                false);
        }

        return DoctorCheck.Ok(Id, $"HWID {fingerprint}, {platform}, made on this device");
    }

    private static DoctorCheck CheckDecode(Content content)
    {
        const string Id = DoctorCheckIds.CalDecode;
        if (content.SkipReason is { } skip)
        {
            return DoctorCheck.Skipped(Id, skip);
        }

        var broken = content.Cals.Where(c => c.Decoded is null).ToList();
        if (broken.Count == 0)
        {
            return DoctorCheck.Ok(Id, $"{content.Cals.Count} CAL(s) decode: " + string.Join("; ", content.Cals.Select(c => $"{c.License.Key}: {c.Decoded!.LicenseId ?? "no license ID"}, {(c.Decoded.IsTemporary ? "temporary" : "permanent")}")));
        }

        return new DoctorCheck(
            Id,
            DoctorVerdict.Problem,
            $"{broken.Count} of {content.Cals.Count} CAL(s) do not decode as a CAL ([MS-RDPELE] 2.2.2.9): " + string.Join("; ", broken.Select(c => $"{c.License.Key}: {c.Error}"))
                + "; a server that is presented one rejects it as an invalid license",
            $"{Command}: the HWID stays and the server issues a new CAL at the next connection (the server-side advice for event 1003 is to delete MSLicensing on the client; deleting only the CALs keeps the device's identity)",
            [ServerEvents.InvalidLicense],
            WipeFixes: true)
        { FixCommand = DoctorFixCommand.WipeCalsOnly };
    }

    private static DoctorCheck CheckCalHardwareId(Content content)
    {
        const string Id = DoctorCheckIds.CalHardwareId;
        if (content.SkipReason is { } skip)
        {
            return DoctorCheck.Skipped(Id, skip);
        }

        var decoded = content.Cals.Where(c => c.Decoded is not null).ToList();
        if (decoded.Count == 0)
        {
            return DoctorCheck.Skipped(Id, $"no CAL decodes (see {DoctorCheckIds.CalDecode})");
        }

        ClientHardwareId? device = content.Snapshot.HardwareId;
        string? deviceFingerprint = device is { } d ? HardwareIdFingerprint.Compute(d.ToArray()) : null;
        string deviceName = deviceFingerprint is null ? "this device has no HWID" : $"this device's HWID is {deviceFingerprint}";
        var foreign = decoded.Where(c => c.Decoded!.HardwareId is { } bound && bound != device).ToList();
        if (foreign.Count > 0)
        {
            // The leaf's subject serialNumber binds a CAL to the HWID it was issued to (DESIGN.md, CAL); the server
            // compares it with the HWID the client sends and rejects the license as invalid or mismatched.
            return new DoctorCheck(
                Id,
                DoctorVerdict.Problem,
                string.Join("; ", foreign.Select(c => $"{c.License.Key} is bound to HWID {HardwareIdFingerprint.Compute(c.Decoded!.HardwareId!.Value.ToArray())}")) + $"; {deviceName}: the server finds the license is not this client's",
                $"{Command}: keeps this device's HWID and drops the foreign CALs; the server issues one for this HWID at the next connection",
                [ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense],
                WipeFixes: true)
            { FixCommand = DoctorFixCommand.WipeCalsOnly };
        }

        var unbound = decoded.Where(c => c.Decoded!.HardwareId is null).ToList();
        if (unbound.Count > 0)
        {
            return new DoctorCheck(Id, DoctorVerdict.Warning, string.Join("; ", unbound.Select(c => $"{c.License.Key} carries no HWID that decodes (subject serialNumber)")) + ": which device it belongs to cannot be told", string.Empty, [], false);
        }

        return DoctorCheck.Ok(Id, $"every CAL is bound to this device's HWID ({deviceFingerprint})");
    }

    private static DoctorCheck CheckTemporaryAge(Content content)
    {
        const string Id = DoctorCheckIds.TemporaryCalAge;
        if (content.SkipReason is { } skip)
        {
            return DoctorCheck.Skipped(Id, skip);
        }

        var live = content.Cals.Where(c => c.Decoded is { Leaf.NotAfter: { } notAfter } && notAfter > content.Now).ToList();
        var temporaries = live.Where(c => c.Decoded!.IsTemporary).ToList();
        if (temporaries.Count == 0)
        {
            return DoctorCheck.Ok(Id, content.Cals.Any(c => c.Decoded is not null) ? "no unexpired temporary CAL" : $"no CAL decodes (see {DoctorCheckIds.CalDecode})");
        }

        var permanents = live.Where(c => !c.Decoded!.IsTemporary).ToList();
        var evidence = new List<string>();
        var aging = new List<string>();
        foreach (Cal temporary in temporaries)
        {
            DateTimeOffset notAfter = temporary.Decoded!.Leaf.NotAfter!.Value;
            DateTimeOffset issued = temporary.Decoded.Leaf.NotBefore ?? notAfter.AddDays(-TemporaryLifetimeDays);
            int age = Days(content.Now - issued);
            int left = Days(notAfter - content.Now);
            string line = $"temporary CAL {temporary.License.Key} ({temporary.Decoded.LicenseId ?? "no license ID"}) is {age} day(s) old and expires on {Date(notAfter)} ({left} day(s) left)";
            if (permanents.Any(p => SameProduct(p.License.Key, temporary.License.Key)))
            {
                evidence.Add(line + ", beside a permanent CAL for the same product");
            }
            else if (age >= TemporaryAttritionDays || left <= TemporaryLifetimeDays - TemporaryAttritionDays)
            {
                aging.Add(line + ", with no permanent CAL beside it");
            }
            else
            {
                evidence.Add(line + "; the server upgrades it to a permanent CAL at a connection after a successful logon");
            }
        }

        if (aging.Count == 0)
        {
            return DoctorCheck.Ok(Id, string.Join("; ", evidence));
        }

        // A problem (exit 1) although the device still connects today: this is the 89/90-day attrition the article
        // explains, and catching it before event 1011 disconnects the device is what a fleet running doctor wants. The
        // fix is on the server (no permanent CAL to give, or no logon ever completes). A wipe would launder the device
        // into a new HWID with a fresh 90-day temporary CAL, one more entry in the license server's database, and the
        // same end.
        return new DoctorCheck(
            Id,
            DoctorVerdict.Problem,
            string.Join("; ", aging.Concat(evidence))
                + ": the server has not upgraded it, so each connection that finds no permanent CAL logs 1000, and at expiry the server disconnects the device and logs 1011",
            "on the license server: free permanent per-device CALs in the pool, the RD server's licensing mode set to per device, and a user who completes a logon from this device (a temporary CAL is upgraded only after a successful logon). A wipe does NOT help: it only makes a new HWID that gets another 90-day temporary CAL, burning another license-server record and hiding the shortage",
            [ServerEvents.UnableToAcquireLicense, ServerEvents.TemporaryLicenseExpired],
            WipeFixes: false);
    }

    private static DoctorCheck CheckExpiry(Content content)
    {
        const string Id = DoctorCheckIds.CalExpiry;
        if (content.SkipReason is { } skip)
        {
            return DoctorCheck.Skipped(Id, skip);
        }

        var dated = content.Cals.Where(c => c.Decoded?.Leaf.NotAfter is not null).ToList();
        if (dated.Count == 0)
        {
            return DoctorCheck.Skipped(Id, $"no CAL with a validity to check (see {DoctorCheckIds.CalDecode})");
        }

        var valid = dated.Where(c => c.Decoded!.Leaf.NotAfter > content.Now).ToList();
        var expiredTemporary = dated.Where(c => c.Decoded!.IsTemporary && c.Decoded.Leaf.NotAfter <= content.Now).ToList();
        var expiredPermanent = dated.Where(c => !c.Decoded!.IsTemporary && c.Decoded.Leaf.NotAfter <= content.Now).ToList();
        var uncovered = expiredTemporary.Where(t => !valid.Any(v => !v.Decoded!.IsTemporary && SameProduct(v.License.Key, t.License.Key))).ToList();
        string Expired(Cal c) => $"{(c.Decoded!.IsTemporary ? "temporary" : "permanent")} CAL {c.License.Key} expired on {Date(c.Decoded.Leaf.NotAfter!.Value)} ({Days(content.Now - c.Decoded.Leaf.NotAfter.Value)} day(s) ago)";

        if (uncovered.Count > 0)
        {
            // techgenix part 2: 1011 means an expired temporary CAL and too few permanent CALs on the license server.
            return new DoctorCheck(
                Id,
                DoctorVerdict.Problem,
                string.Join("; ", uncovered.Concat(expiredPermanent).Select(Expired)) + ", and no permanent CAL covers it: the server refuses the device and logs 1011",
                "on the license server: add permanent per-device CALs (or fix the licensing mode), then connect and complete a logon so the server issues one. A wipe does NOT help: it only gets another temporary CAL under a new HWID",
                [ServerEvents.TemporaryLicenseExpired],
                WipeFixes: false);
        }

        if (expiredPermanent.Count > 0)
        {
            return new DoctorCheck(
                Id,
                DoctorVerdict.Warning,
                string.Join("; ", expiredPermanent.Select(Expired)) + ": the server renews it at the next connection when its pool has a CAL; if it cannot, it disconnects the device and logs 1028",
                "connect to the RD server (it renews the CAL); if renewal fails, check the license server's pool and that the RD server can reach it",
                [ServerEvents.PermanentLicenseNotRenewed],
                WipeFixes: false);
        }

        var early = valid.Where(c => c.Decoded!.Leaf.NotBefore is { } from && from > content.Now.AddDays(1)).ToList();
        if (early.Count > 0)
        {
            // Thin clients without a battery-backed clock boot in the past until NTP runs: every age here is off too.
            return new DoctorCheck(
                Id,
                DoctorVerdict.Warning,
                string.Join("; ", early.Select(c => $"CAL {c.License.Key} is valid only from {Date(c.Decoded!.Leaf.NotBefore!.Value)}")) + $", after this device's clock ({Date(content.Now)}): the clock is wrong, and every age and expiry doctor shows is off by as much",
                "set the device's clock (NTP) and run doctor again",
                [],
                false);
        }

        string stale = expiredTemporary.Count > 0 ? "; " + string.Join("; ", expiredTemporary.Select(Expired)) + ", superseded by a permanent CAL" : string.Empty;
        return DoctorCheck.Ok(Id, string.Join("; ", valid.Select(c => $"{c.License.Key} valid until {Date(c.Decoded!.Leaf.NotAfter!.Value)} ({Days(c.Decoded.Leaf.NotAfter.Value - content.Now)} day(s) left)")) + stale);
    }

    private static DoctorCheck CheckDuplicates(Content content)
    {
        const string Id = DoctorCheckIds.DuplicateCals;
        // The file's .prev and the other flash slot are the previous generation: the copy a power cut falls back to.
        var generations = content.Verification.Findings.Where(f => f.Kind == StoreFindingKind.Superseded && !IsRegistryEntry(f)).ToList();
        string generationNote = generations.Count > 0
            ? "; " + string.Join("; ", generations.Select(f => $"{f.Record} ({f.Detail})")) + " is the previous generation the store keeps for power loss, not a duplicate"
            : string.Empty;
        if (content.SkipReason is { } skip)
        {
            return DoctorCheck.Skipped(Id, skip);
        }

        var leftovers = content.Verification.Findings.Where(f => f.Kind == StoreFindingKind.Superseded && IsRegistryEntry(f)).ToList();
        var sameProduct = content.Snapshot.Licenses
            .GroupBy(l => $"{l.Key.Scope}\n{l.Key.CompanyName}\n{l.Key.ProductId}", StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .ToList();
        if (sameProduct.Count == 0 && leftovers.Count == 0)
        {
            return DoctorCheck.Ok(Id, $"one CAL per product and scope ({content.Snapshot.Licenses.Count} CAL(s))" + generationNote);
        }

        // [MS-RDPELE 3.3.5.1]: the client presents the lowest stored version at or above the server's offer, so an
        // older version beside a newer one is either dead weight or, in a farm of mixed server versions, used by the old ones.
        var evidence = sameProduct
            .Select(g => $"{string.Join(" and ", g.Select(l => $"0x{l.Key.Version:x8}"))} are CALs for {g.First().Key.ProductId} in scope {g.First().Key.Scope}: each server is presented the lowest version at or above its offer, so the older is dead weight unless older servers still ask for it")
            .Concat(leftovers.Select(f => $"{f.Record}: {f.Detail} (left by an interrupted update)"));
        return new DoctorCheck(
            Id,
            DoctorVerdict.Warning,
            string.Join("; ", evidence) + generationNote,
            $"nothing urgent: the next license update removes superseded entries; {Command} clears them now, at the price of every CAL (the server issues them again)",
            [],
            false)
        { FixCommand = DoctorFixCommand.WipeCalsOnly };
    }

    private static DoctorCheck CheckCorruptRecords(Content content)
    {
        const string Id = DoctorCheckIds.CorruptRecords;
        IReadOnlyList<StoreFinding> findings = content.Verification.Findings;
        var corrupt = findings.Where(f => f.Kind == StoreFindingKind.Corrupt).ToList();
        IReadOnlyList<QuarantinedImage> quarantined = content.Verification.Quarantined;
        if (corrupt.Count == 0 && quarantined.Count > 0)
        {
            // DESIGN.md, failure semantics: the store licensed afresh after damage; the old HWID and CAL (a seat in the
            // server's pool) are in the quarantined copy, which only a person can judge.
            QuarantinedImage newest = quarantined[0];
            return new DoctorCheck(
                Id,
                DoctorVerdict.Warning,
                $"no record fails its checks now, but {quarantined.Count} damaged image(s) of this store were quarantined; the newest: {newest.Path} ({newest.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {newest.Reason})",
                $"{Command} {newest.Path} shows the HWID and CALs the damaged store held; if the license server still counts that seat, import the copy with --salvage to take the old HWID back. If damage comes back, the medium is failing",
                [],
                false)
            { FixCommand = DoctorFixCommand.ShowQuarantined };
        }

        if (corrupt.Count == 0)
        {
            int valid = findings.Count(f => f.Kind == StoreFindingKind.Valid);
            return DoctorCheck.Ok(Id, findings.Count == 0 ? "nothing on a medium to check" : $"no record failed its checks ({valid} valid, {findings.Count(f => f.Kind == StoreFindingKind.Superseded)} superseded, {findings.Count(f => f.Kind == StoreFindingKind.Empty)} empty)");
        }

        string evidence = string.Join("; ", corrupt.Select(f => $"{f.Record}: {f.Detail}"));
        if (quarantined.Count > 0)
        {
            evidence += $" (earlier damaged images were quarantined, the newest: {quarantined[0].Path})";
        }

        if (corrupt.All(IsRegistryRecord))
        {
            // The registry has no checksum of its own, and Windows' client reads the same key: a damaged entry that
            // client presents is an invalid license to the server (TechNet, event 1003: delete MSLicensing).
            bool calsOnly = corrupt.All(IsRegistryEntry);
            return new DoctorCheck(
                Id,
                DoctorVerdict.Problem,
                evidence + (calsOnly ? ": this client skips the damaged entries, but a client that presents one sends an invalid license" : ": the HWID record is damaged, so the next connection makes a new HWID and every stored CAL stops being this device's"),
                calsOnly ? $"{Command}: removes every CAL entry (the HWID stays); the server issues a new CAL at the next connection" : $"{Command}: removes MSLicensing's records whole, as the 1003 advice says; the next connection makes a HWID and gets a CAL",
                [ServerEvents.InvalidLicense],
                WipeFixes: true)
            { FixCommand = calsOnly ? DoctorFixCommand.WipeCalsOnly : DoctorFixCommand.Wipe };
        }

        // File and flash: every copy is CRC-checked, so a damaged one is never presented, only ignored.
        if (findings.Any(f => f.Kind == StoreFindingKind.Valid))
        {
            return new DoctorCheck(
                Id,
                DoctorVerdict.Warning,
                evidence + ": the store reads the other, valid copy; the damaged one is rewritten at the next update",
                "nothing now; if damage comes back, the medium is failing (check the flash or card, and power-off behaviour)",
                [],
                false);
        }

        return new DoctorCheck(
            Id,
            DoctorVerdict.Problem,
            evidence + ": no valid copy is left, so the store reads as empty: the HWID and every CAL are lost, and the server will see a new device",
            $"{Command}: clears the damaged medium; the next connection makes a HWID and gets a CAL (what it would do anyway, now from a clean store). If damage comes back, the medium is failing",
            [],
            WipeFixes: true)
        { FixCommand = DoctorFixCommand.Wipe };
    }

    private static bool IsRegistryRecord(StoreFinding finding)
        => finding.Record.StartsWith(@"Store\", StringComparison.Ordinal) || finding.Record.StartsWith(@"HardwareID\", StringComparison.Ordinal);

    private static bool IsRegistryEntry(StoreFinding finding) => finding.Record.StartsWith(@"Store\", StringComparison.Ordinal);

    private static bool SameProduct(LicenseKey a, LicenseKey b)
        => string.Equals(a.Scope, b.Scope, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.CompanyName, b.CompanyName, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.ProductId, b.ProductId, StringComparison.OrdinalIgnoreCase);

    private static int Days(TimeSpan span) => (int)Math.Floor(span.TotalDays);

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class Cal(StoredLicense license, ClientAccessLicense? decoded, DecodeError error)
    {
        public StoredLicense License { get; } = license;

        public ClientAccessLicense? Decoded { get; } = decoded;

        public DecodeError Error { get; } = error;
    }

    /// <summary>What the checks share: the findings, the snapshot in use, each CAL decoded once.</summary>
    private sealed class Content
    {
        public Content(StoreVerification verification, DateTimeOffset now)
        {
            Verification = verification;
            Now = now;
            Snapshot = verification.Loaded;
            Clone = verification.Findings.Any(f => f.Kind == StoreFindingKind.Clone);
            Corrupt = verification.Findings.Where(f => f.Kind == StoreFindingKind.Corrupt).ToList();
            Cals = Snapshot.Licenses.Select(l => ClientAccessLicense.TryDecode(l.LicenseInfo.Span, out ClientAccessLicense? cal, out DecodeError error) ? new Cal(l, cal, default) : new Cal(l, null, error)).ToList();
            SkipReason = Clone ? $"the stored CALs were issued to the other device's HWID (see {DoctorCheckIds.HardwareId})" : Cals.Count == 0 ? "no CAL stored" : null;
        }

        public StoreVerification Verification { get; }

        public DateTimeOffset Now { get; }

        public LicenseStoreSnapshot Snapshot { get; }

        public bool Clone { get; }

        public IReadOnlyList<StoreFinding> Corrupt { get; }

        public IReadOnlyList<Cal> Cals { get; }

        /// <summary>Why the CAL checks have nothing to look at, or null.</summary>
        public string? SkipReason { get; }
    }
}
