using System.Globalization;
using System.Text;

namespace TsThinLic.Host;

/// <summary>
/// One CAL's life on one line: issue day at the left, expiry at the right, today marked, and the last 7 days shaded,
/// the window in which a license server renews a permanent CAL (Microsoft's RDS CAL documentation: a permanent CAL
/// lasts 52-89 days and is renewed within 7 days of expiry; a temporary one lasts 90 days). A device that does not
/// connect inside the window loses the CAL: the 89/90-day story, seen rather than computed.
/// </summary>
internal static class CalTimeline
{
    /// <summary>Cells in the bar.</summary>
    public const int Width = 40;

    /// <summary>The renewal window before expiry.</summary>
    public static readonly TimeSpan RenewalWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// The bar: past cells, future cells, window cells and the today mark (<c>=</c>, <c>-</c>, <c>#</c>, <c>|</c> in
    /// ASCII; <c>━</c>, <c>─</c>, <c>░</c>, <c>▼</c> in UTF-8). Today before issue or after expiry sits at that end.
    /// </summary>
    public static string Bar(DateTimeOffset validFrom, DateTimeOffset expiresOn, DateTimeOffset now, bool unicode)
    {
        double span = Math.Max((expiresOn - validFrom).TotalSeconds, 1);
        int Cell(DateTimeOffset t) => Math.Clamp((int)Math.Floor((t - validFrom).TotalSeconds / span * Width), 0, Width - 1);
        int today = Cell(now);
        int windowStart = Cell(expiresOn - RenewalWindow);
        var bar = new StringBuilder(Width + 2);
        bar.Append('[');
        for (int i = 0; i < Width; i++)
        {
            bar.Append(i == today ? (unicode ? '▼' : '|')
                : i >= windowStart ? (unicode ? '░' : '#')
                : i < today ? (unicode ? '━' : '=')
                : (unicode ? '─' : '-'));
        }

        return bar.Append(']').ToString();
    }

    /// <summary>The legend under the bar: the dates its ends and window stand for.</summary>
    public static string Legend(DateTimeOffset validFrom, DateTimeOffset expiresOn, DateTimeOffset now, bool unicode)
        => string.Create(CultureInfo.InvariantCulture, $"{Day(validFrom)} issued, {(unicode ? "▼" : "|")} today {Day(now)}, {(unicode ? "░" : "#")} renewal window from {Day(expiresOn - RenewalWindow)}, expires {Day(expiresOn)}");

    /// <summary>yyyy-MM-dd.</summary>
    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
