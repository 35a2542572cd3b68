namespace TsThinLic.Cal;

/// <summary>
/// The CAL leaf's license-server-info extension (1.3.6.1.4.1.311.18.6), read from real CALs: dwVersion, a reserved
/// WORD, then the offsets (from the end of the header) of three NUL-terminated UTF-16LE strings.
/// </summary>
/// <param name="Version">dwVersion (0x00003000 seen).</param>
/// <param name="Name">The license server's name (e.g. "RODENT").</param>
/// <param name="Id">The license server's ID (e.g. "78440-006-5867045-70347").</param>
/// <param name="Scope">Its scope: the domain or workgroup (e.g. "WORKGROUP").</param>
public sealed record LicenseServerInfo(uint Version, string Name, string Id, string Scope);
