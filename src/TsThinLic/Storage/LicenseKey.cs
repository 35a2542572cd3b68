namespace TsThinLic.Storage;

/// <summary>
/// [MS-RDPELE 2.2.2.6.1] The identity of a stored CAL: the dwVersion, pbScope, pbCompanyName and pbProductId of the
/// NEW_LICENSE_INFO the server issued it with. Never a host name: one CAL serves every server of a farm.
/// </summary>
/// <param name="Version">dwVersion of NEW_LICENSE_INFO (the licensed product version).</param>
/// <param name="Scope">pbScope (the license server's scope, e.g. "microsoft.com").</param>
/// <param name="CompanyName">pbCompanyName.</param>
/// <param name="ProductId">pbProductId (e.g. "A02").</param>
public readonly record struct LicenseKey(uint Version, string Scope, string CompanyName, string ProductId)
{
    /// <summary>
    /// Whether this license answers a server's offer (ProductInfo and its ScopeList), [MS-RDPELE 3.3.5.1]: same
    /// company and product, one of the offered scopes, and a version at least the offered one (footnote &lt;4&gt;:
    /// Windows accepts a license of the same version or later). Strings compare case-insensitively: servers differ
    /// in case ("Microsoft Corporation" vs "microsoft corporation").
    /// </summary>
    public bool Matches(uint version, string companyName, string productId, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (Version < version
            || !string.Equals(companyName, CompanyName, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(productId, ProductId, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (string scope in scopes)
        {
            if (string.Equals(scope, Scope, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"0x{Version:x8}/{Scope}/{CompanyName}/{ProductId}";
}
