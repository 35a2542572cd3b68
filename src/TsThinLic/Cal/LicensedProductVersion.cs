namespace TsThinLic.Cal;

/// <summary>
/// One product version entry of the licensed-product-info extension (1.3.6.1.4.1.311.18.5): wMajorVersion,
/// wMinorVersion and dwFlags, little-endian. The flags say what kind of CAL it is.
/// </summary>
/// <param name="Major">wMajorVersion (6 for A02-6.00-S).</param>
/// <param name="Minor">wMinorVersion.</param>
/// <param name="Flags">dwFlags: <see cref="TemporaryLicense"/>, <see cref="Rtm"/>, <see cref="Enforced"/> and others.</param>
public readonly record struct LicensedProductVersion(ushort Major, ushort Minor, uint Flags)
{
    /// <summary>The license server issued a temporary CAL (no permanent one was available, or the first logon).</summary>
    public const uint TemporaryLicense = 0x80000000;

    /// <summary>Issued by a release (RTM) license server.</summary>
    public const uint Rtm = 0x00800000;

    /// <summary>Issued by an enforcing license server.</summary>
    public const uint Enforced = 0x00008000;

    public bool IsTemporary => (Flags & TemporaryLicense) != 0;

    public bool IsRtm => (Flags & Rtm) != 0;

    public bool IsEnforced => (Flags & Enforced) != 0;
}
