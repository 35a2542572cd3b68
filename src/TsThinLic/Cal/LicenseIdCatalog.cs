using System.Globalization;

namespace TsThinLic.Cal;

/// <summary>
/// What a license ID (the adjusted product ID, "A02-5.02-S") means, as TSCTST's table said: the known IDs by name,
/// later ones by their pattern A02-{major}.{minor:00}-S. Only what is known is claimed; an ID outside the table
/// and the pattern is shown as it is.
/// </summary>
public static class LicenseIdCatalog
{
    private static readonly Dictionary<string, string> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A02-5.00-EX"] = "Windows 2000 built-in license (the pool every Windows 2000 Professional client drew from)",
        ["A02-5.00-S"] = "Windows 2000 Terminal Services CAL",
        ["A02-5.02-S"] = "Windows Server 2003 Terminal Services CAL",
        ["A02-6.00-S"] = "Windows Server 2008 / 2008 R2 Terminal Services CAL",
    };

    /// <summary>A sentence for people; never null.</summary>
    public static string Describe(string? licenseId)
    {
        if (string.IsNullOrEmpty(licenseId))
        {
            return "no license ID in the CAL";
        }

        if (s_known.TryGetValue(licenseId, out string? known))
        {
            return known;
        }

        // Later servers keep the pattern: product "A02", the RDS product version, "-S".
        string[] parts = licenseId.Split('-');
        if (parts.Length == 3 && parts[0].Equals("A02", StringComparison.OrdinalIgnoreCase) && parts[2].Equals("S", StringComparison.OrdinalIgnoreCase)
            && decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
        {
            return $"Remote Desktop Services CAL for product version {parts[1]}";
        }

        return $"unknown license ID {licenseId}";
    }
}
