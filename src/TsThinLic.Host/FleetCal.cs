namespace TsThinLic.Host;

/// <summary>One CAL of a device's report (<c>device.cals[]</c> of <c>doctor --json</c>).</summary>
/// <param name="LicenseId">licenseId ("A02-6.00-S"), or empty when the CAL did not decode.</param>
/// <param name="Temporary">temporary.</param>
/// <param name="ExpiresOn">expiresOn, when known.</param>
/// <param name="OfAnotherHwid">hwidMatchesDevice is false: the CAL was issued to another device's HWID.</param>
internal sealed record FleetCal(string LicenseId, bool Temporary, DateTimeOffset? ExpiresOn, bool OfAnotherHwid);
