using TsThinLic.Records;

namespace TsThinLic.Licensing;

/// <summary>
/// [MS-RDPELE 3.3.5.1] Which stored license answers a server's offer (the ProductInfo and ScopeList of its
/// SERVER_LICENSE_REQUEST). Protocol policy, so it lives with the client, not with the store that keeps the keys.
/// </summary>
public static class LicenseOffer
{
    /// <summary>
    /// Whether the license stored under <paramref name="key"/> answers the offer: same company and product, one of the
    /// offered scopes, and a version at least the offered one (footnote &lt;4&gt;: Windows accepts a license of the
    /// same version or later). Strings compare case-insensitively: servers differ
    /// in case ("Microsoft Corporation" vs "microsoft corporation").
    /// </summary>
    public static bool Matches(LicenseKey key, uint version, string companyName, string productId, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (key.Version < version
            || !string.Equals(companyName, key.CompanyName, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(productId, key.ProductId, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (string scope in scopes)
        {
            if (string.Equals(scope, key.Scope, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
