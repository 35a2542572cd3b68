namespace TsThinLic.Records;

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
    /// <inheritdoc/>
    public override string ToString() => $"0x{Version:x8}/{Scope}/{CompanyName}/{ProductId}";
}
