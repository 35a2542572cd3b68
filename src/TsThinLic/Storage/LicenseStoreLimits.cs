using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// The caps every store enforces, so that a hostile or broken server cannot fill the device: a client needs one CAL
/// per license server product it meets, each at most one licensing PDU long (wMsgSize is 16-bit).
/// </summary>
public static class LicenseStoreLimits
{
    /// <summary>CALs kept at most.</summary>
    public const int MaxLicenses = MemoryLicenseStore.MaxLicenses;

    /// <summary>Longest scope, company name or product ID kept, in UTF-8 bytes.</summary>
    public const int MaxKeyStringBytes = 1024;

    /// <summary>Longest pbLicenseInfo kept.</summary>
    public const int MaxLicenseInfoLength = StoredLicense.MaxLicenseInfoLength;
}
