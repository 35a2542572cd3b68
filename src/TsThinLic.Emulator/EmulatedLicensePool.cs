using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>
/// The license server's side of per-device CAL attrition: a pool of <see cref="Capacity"/> permanent per-device CALs
/// that one or more <see cref="EmulatedLicenseServer"/>s share through <see cref="EmulatedLicenseServerOptions.LicensePool"/>,
/// so a fleet of devices talks to one license server. It sees time only through its <see cref="TimeProvider"/> and
/// draws permanent validities only from its <see cref="IRandomSource"/>, so a test moves a whole fleet through months
/// deterministically.
/// </summary>
/// <remarks>
/// <para>
/// The rules are Microsoft's for RDS Per Device CALs ("License your RDS deployment with client access licenses
/// (CALs)", learn.microsoft.com/windows-server/remote/remote-desktop-services/rds-client-access-license; and
/// Microsoft Q&amp;A 2191951, "Removing temporary license in RDS 2022", which spells out the validation step):
/// a device's first connection gets a temporary CAL for 90 days, even when seats are free; once a user has logged
/// on through that connection the temporary CAL is marked validated (<see cref="RecordLogon"/>: the test says when a
/// logon succeeded), and at the device's next connection the server upgrades it to a permanent CAL if a seat is free.
/// A permanent CAL lasts a random 52 to 89 days; presented within 7 days of its expiry it is renewed for another
/// random term; not renewed by its expiry, its seat returns to the pool.
/// </para>
/// <para>
/// What goes on the wire is [MS-RDPELE 3.2.5.5] for a license server that is reachable: an upgrade (case 5) in
/// UPGRADE_LICENSE; no seat but a still-valid presented CAL (case 4): UPGRADE_LICENSE with the old CAL handed back, so
/// the device keeps its temporary CAL and asks again at every connection; no seat and an expired CAL (case 3, the
/// server being past its grace period): ERR_INVALID_CLIENT with ST_TOTAL_ABORT. Not ERR_NO_LICENSE: [MS-RDPBCGR
/// 2.2.1.12.1.3] lists that code as one only a client sends.
/// </para>
/// <para>
/// Dating. The pool counts a CAL's days with the issue day as day 1: an N-day CAL expires on its N-th day at the time
/// of day it was issued, NotAfter = NotBefore + (N − 1) days. A 90-day temporary CAL issued on June 1 expires on
/// August 29, an 89-day permanent one on August 28. At NotAfter the CAL has expired for everyone at once: a temporary
/// CAL is no longer honoured, and a permanent one its device did not renew is back in the pool, so a seat is never
/// held twice. A real Windows license server writes NotAfter = NotBefore + N days (both real CALs in the vectors do,
/// and the emulator without a pool keeps doing so, byte for byte); the pool counts inclusively so that the fleet
/// scenario of issue 4 holds on the dates it names. Either way the 89/90 split leaves the same one-day margin: a device
/// that replaces one that took the last seat on the same day gets the freed seat the day before its own temporary CAL
/// runs out.
/// </para>
/// <para>
/// The books hold one CAL per HWID. A device that asks for a new license while it still holds a valid CAL gets that
/// same CAL again (a device that lost only its licenses does not reset its 90 days or take a second seat); a device
/// that wiped its store altogether comes back with a fresh HWID, which the pool has never seen: a new temporary CAL,
/// while the seat of its old HWID stays taken until that CAL expires.
/// </para>
/// </remarks>
public sealed class EmulatedLicensePool
{
    /// <summary>Days of a temporary per-device CAL.</summary>
    public const int TemporaryDays = 90;

    /// <summary>Fewest days of a permanent per-device CAL.</summary>
    public const int MinimumPermanentDays = 52;

    /// <summary>Most days of a permanent per-device CAL.</summary>
    public const int MaximumPermanentDays = 89;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly Dictionary<ClientHardwareId, EmulatedPoolLicense> _issued = [];
    private readonly HashSet<ClientHardwareId> _loggedOn = [];
    private ulong _serial;
    private long _changes;

    /// <param name="capacity">How many permanent per-device CALs the license server has installed.</param>
    /// <param name="time">The clock that dates CALs and expires them.</param>
    /// <param name="random">Where the random term of each permanent CAL comes from.</param>
    public EmulatedLicensePool(int capacity, TimeProvider time, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        Capacity = capacity;
        _time = time;
        _random = random;
    }

    /// <summary>How many times the books changed (a CAL issued, renewed or expired, a logon recorded): a saver compares it.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>How long before its expiry a presented permanent CAL is renewed.</summary>
    public static TimeSpan RenewalWindow { get; } = TimeSpan.FromDays(7);

    /// <summary>The number of permanent CALs installed.</summary>
    public int Capacity { get; }

    /// <summary>Permanent CALs free now: those never issued and those whose term ran out without renewal.</summary>
    public int FreeCount
    {
        get
        {
            lock (_lock)
            {
                ExpireAt(Now());
                return Capacity - PermanentCount();
            }
        }
    }

    /// <summary>Every CAL not yet expired, temporary and permanent, oldest first.</summary>
    public IReadOnlyList<EmulatedPoolLicense> IssuedLicenses
    {
        get
        {
            lock (_lock)
            {
                ExpireAt(Now());
                return _issued.Values.OrderBy(l => l.NotBefore).ThenBy(l => l.SerialNumber).ToArray();
            }
        }
    }

    /// <summary>The date an N-day CAL issued at <paramref name="notBefore"/> expires: its N-th day, the issue day being the first.</summary>
    public static DateTimeOffset ExpiryOf(DateTimeOffset notBefore, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        return notBefore.AddDays(days - 1);
    }

    /// <summary>
    /// A user logged on through this device's licensed connection: the session host has the license server mark its
    /// CAL validated, and the next connection may upgrade a temporary CAL to a permanent one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The device holds no valid CAL from this pool, so it could not have logged on.</exception>
    public void RecordLogon(ClientHardwareId hardwareId)
    {
        lock (_lock)
        {
            ExpireAt(Now());
            if (!_issued.ContainsKey(hardwareId))
            {
                throw new InvalidOperationException("A logon needs a licensed connection, and the pool holds no valid CAL for this HWID.");
            }

            if (_loggedOn.Add(hardwareId))
            {
                _changes++;
            }
        }
    }

    /// <summary>Whether a user has logged on through this device (its CAL is validated).</summary>
    public bool HasLoggedOn(ClientHardwareId hardwareId)
    {
        lock (_lock)
        {
            return _loggedOn.Contains(hardwareId);
        }
    }

    /// <summary>
    /// For LICENSE_INFO: whether the presented CAL needs the upgrade flow (challenge, then <see cref="Upgrade"/>), or
    /// is accepted as it is (STATUS_VALID_CLIENT). A temporary CAL always asks for an upgrade; a permanent one only
    /// within <see cref="RenewalWindow"/> of its expiry (or after it); a CAL that does not decode or names another
    /// HWID is not valid and asks too.
    /// </summary>
    internal bool WantsUpgrade(ClientHardwareId hardwareId, ReadOnlySpan<byte> presented)
    {
        DateTimeOffset now = Now();
        if (!TryRead(hardwareId, presented, out bool temporary, out DateTimeOffset notAfter) || temporary)
        {
            return true;
        }

        return notAfter - now <= RenewalWindow;
    }

    /// <summary>
    /// For NEW_LICENSE_REQUEST after the challenge: a first connection gets a temporary CAL whatever the seats; a
    /// device that still holds a valid CAL gets that one again.
    /// </summary>
    internal EmulatedPoolLicense IssueFirst(ClientHardwareId hardwareId)
    {
        lock (_lock)
        {
            DateTimeOffset now = Now();
            ExpireAt(now);
            if (_issued.TryGetValue(hardwareId, out EmulatedPoolLicense? held))
            {
                return held;
            }

            var temporary = new EmulatedPoolLicense(hardwareId, true, now, ExpiryOf(now, TemporaryDays), ++_serial);
            _issued[hardwareId] = temporary;
            _changes++;
            return temporary;
        }
    }

    /// <summary>For LICENSE_INFO after the challenge: the [MS-RDPELE 3.2.5.5] case the pool's books call for.</summary>
    internal EmulatedPoolDecision Upgrade(ClientHardwareId hardwareId, ReadOnlySpan<byte> presented)
    {
        lock (_lock)
        {
            DateTimeOffset now = Now();
            ExpireAt(now);
            if (_issued.TryGetValue(hardwareId, out EmulatedPoolLicense? held) && !held.Temporary)
            {
                // The device holds a seat: renewed in its last 7 days, else the CAL it holds goes back to it.
                if (held.NotAfter - now <= RenewalWindow)
                {
                    held = Permanent(hardwareId, now);
                }

                return EmulatedPoolDecision.Issue(held);
            }

            if (_loggedOn.Contains(hardwareId) && PermanentCount() < Capacity)
            {
                return EmulatedPoolDecision.Issue(Permanent(hardwareId, now));
            }

            bool stillValid = TryRead(hardwareId, presented, out _, out DateTimeOffset notAfter) && notAfter > now;
            return stillValid ? EmulatedPoolDecision.ReturnPresented : EmulatedPoolDecision.Refuse;
        }
    }

    // A permanent CAL takes (or keeps) the device's seat for a random 52 to 89 days.
    private EmulatedPoolLicense Permanent(ClientHardwareId hardwareId, DateTimeOffset now)
    {
        Span<byte> draw = stackalloc byte[1];
        _random.GetBytes(draw);
        int days = MinimumPermanentDays + (draw[0] % (MaximumPermanentDays - MinimumPermanentDays + 1));
        var permanent = new EmulatedPoolLicense(hardwareId, false, now, ExpiryOf(now, days), ++_serial);
        _issued[hardwareId] = permanent;
        _changes++;
        return permanent;
    }

    // Expired CALs leave the books: a permanent one's seat is free again, a temporary one is simply over.
    private void ExpireAt(DateTimeOffset now)
    {
        foreach (KeyValuePair<ClientHardwareId, EmulatedPoolLicense> entry in _issued.Where(e => e.Value.NotAfter <= now).ToArray())
        {
            _issued.Remove(entry.Key);
            _changes++;
        }
    }

    private int PermanentCount() => _issued.Values.Count(l => !l.Temporary);

    /// <summary>
    /// The books as they stand (every CAL counted, expired ones included until the next look at the clock, the devices
    /// that logged on, the last serial number): what a license server keeps in its database.
    /// </summary>
    public EmulatedPoolBooks ExportBooks()
    {
        lock (_lock)
        {
            return new EmulatedPoolBooks(
                _issued.Values.OrderBy(l => l.SerialNumber).ToArray(),
                _loggedOn.OrderBy(h => Convert.ToHexString(h.ToArray()), StringComparer.Ordinal).ToArray(),
                _serial);
        }
    }

    /// <summary>
    /// Replaces the books with <paramref name="books"/> (a server restarting on its saved state): one CAL per HWID, the
    /// later serial number winning a duplicate; the serial counter never goes back.
    /// </summary>
    public void ImportBooks(EmulatedPoolBooks books)
    {
        ArgumentNullException.ThrowIfNull(books);
        lock (_lock)
        {
            _issued.Clear();
            _loggedOn.Clear();
            foreach (EmulatedPoolLicense license in books.Licenses.OrderBy(l => l.SerialNumber))
            {
                _issued[license.HardwareId] = license;
            }

            foreach (ClientHardwareId hardwareId in books.LoggedOn)
            {
                _loggedOn.Add(hardwareId);
            }

            _serial = Math.Max(books.LastSerialNumber, books.Licenses.Count == 0 ? 0 : books.Licenses.Max(l => l.SerialNumber));
            _changes++;
        }
    }

    // The CALs carry UTCTime, to the second: the books keep exactly what the CAL says.
    private DateTimeOffset Now()
    {
        DateTimeOffset now = _time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }

    private static bool TryRead(ClientHardwareId hardwareId, ReadOnlySpan<byte> presented, out bool temporary, out DateTimeOffset notAfter)
    {
        temporary = false;
        notAfter = default;
        if (!ClientAccessLicense.TryDecode(presented, out ClientAccessLicense? cal, out _) || cal.HardwareId != hardwareId || cal.Leaf.NotAfter is not { } expiry)
        {
            return false;
        }

        temporary = cal.IsTemporary;
        notAfter = expiry;
        return true;
    }
}
