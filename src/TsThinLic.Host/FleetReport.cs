using System.Globalization;

namespace TsThinLic.Host;

/// <summary>
/// What only the whole fleet shows (<c>tsthinlic fleet</c>): devices sharing a HWID (clones of one image: no single
/// device can see it, and the license server counts them as one client), devices on temporary CALs by days left,
/// CALs expiring per week (the attrition the pool will see), devices holding a CAL of another HWID, stores that
/// could not be read, and the reports that were not reports.
/// </summary>
internal sealed class FleetReport
{
    public FleetReport(IReadOnlyList<FleetDevice> devices, IReadOnlyList<(string File, string Problem)> malformed, int notRead, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(malformed);
        Devices = devices;
        Malformed = malformed;
        NotRead = notRead;
        Now = now;
        Clones = [.. devices.Where(d => d.HwidHash.Length > 0)
            .GroupBy(d => d.HwidHash, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.OrderBy(d => d.Name, StringComparer.Ordinal).ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0].HwidFingerprint, StringComparer.Ordinal)];
        Temporary = [.. devices.SelectMany(d => d.Cals.Where(c => c.Temporary && c.ExpiresOn is not null).Select(c => (Device: d, Cal: c, DaysLeft: DaysLeft(c.ExpiresOn!.Value))))
            .OrderBy(t => t.DaysLeft).ThenBy(t => t.Device.Name, StringComparer.Ordinal)];
        ForeignCals = [.. devices.Where(d => d.Cals.Any(c => c.OfAnotherHwid)).OrderBy(d => d.Name, StringComparer.Ordinal)];
        Unreadable = [.. devices.Where(d => !d.StoreReadable).OrderBy(d => d.Name, StringComparer.Ordinal)];
        ExpiriesPerWeek = Weeks(devices);
    }

    public IReadOnlyList<FleetDevice> Devices { get; }

    public IReadOnlyList<(string File, string Problem)> Malformed { get; }

    /// <summary>Reports beyond <see cref="FleetReportReader.MaxReports"/>, counted and not read.</summary>
    public int NotRead { get; }

    /// <summary>The time days left are counted from.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Groups of two or more devices with one HWID hash, largest first.</summary>
    public IReadOnlyList<List<FleetDevice>> Clones { get; }

    /// <summary>Every temporary CAL, fewest days left first.</summary>
    public IReadOnlyList<(FleetDevice Device, FleetCal Cal, long DaysLeft)> Temporary { get; }

    public IReadOnlyList<FleetDevice> ForeignCals { get; }

    public IReadOnlyList<FleetDevice> Unreadable { get; }

    /// <summary>Every week (Monday, UTC) from the first CAL expiry to the last, with how many CALs expire in it; weeks with none included, so a chart has one mark per week.</summary>
    public IReadOnlyList<(DateOnly Week, int Count)> ExpiriesPerWeek { get; }

    /// <summary>Whether the fleet needs attention: clones, another HWID's CALs, unreadable stores or malformed reports.</summary>
    public bool HasFindings => Clones.Count > 0 || ForeignCals.Count > 0 || Unreadable.Count > 0 || Malformed.Count > 0;

    public long DaysLeft(DateTimeOffset expiresOn) => (long)Math.Floor((expiresOn - Now).TotalDays);

    /// <summary>The Monday (UTC) of the week <paramref name="time"/> falls in.</summary>
    public static DateOnly WeekOf(DateTimeOffset time)
    {
        DateOnly day = DateOnly.FromDateTime(time.UtcDateTime);
        int sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return day.AddDays(-sinceMonday);
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static List<(DateOnly, int)> Weeks(IReadOnlyList<FleetDevice> devices)
    {
        var counts = new SortedDictionary<DateOnly, int>();
        foreach (FleetCal cal in devices.SelectMany(d => d.Cals))
        {
            if (cal.ExpiresOn is { } expires)
            {
                DateOnly week = WeekOf(expires);
                counts[week] = counts.GetValueOrDefault(week) + 1;
            }
        }

        var weeks = new List<(DateOnly, int)>();
        if (counts.Count == 0)
        {
            return weeks;
        }

        // Bounded: CAL lifetimes are days to months, but a hostile report could claim year 9999; 520 weeks is ten years.
        DateOnly first = counts.Keys.First();
        DateOnly last = counts.Keys.Last();
        for (DateOnly week = first; week <= last && weeks.Count < MaxWeeks; week = week.AddDays(7))
        {
            weeks.Add((week, counts.GetValueOrDefault(week)));
        }

        return weeks;
    }

    /// <summary>The chart's span at most: ten years of weeks.</summary>
    public const int MaxWeeks = 520;
}
