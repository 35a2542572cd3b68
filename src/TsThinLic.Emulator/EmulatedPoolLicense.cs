using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>
/// A CAL the emulated license pool counts as issued: to which HWID, temporary or permanent, and its validity, exactly
/// as written in the CAL (NotBefore and NotAfter of the client's leaf).
/// </summary>
/// <param name="HardwareId">The device's HWID (the CAL's subject serialNumber).</param>
/// <param name="Temporary">A temporary CAL (90 days, no pool seat) or a permanent one (a seat of the pool).</param>
/// <param name="NotBefore">When it was issued (or last renewed).</param>
/// <param name="NotAfter">When it expires: a permanent CAL not renewed by then is back in the pool.</param>
/// <param name="SerialNumber">The leaf's certificate serial number.</param>
public sealed record EmulatedPoolLicense(ClientHardwareId HardwareId, bool Temporary, DateTimeOffset NotBefore, DateTimeOffset NotAfter, ulong SerialNumber)
{
    /// <summary>The HWID as the log shows it: an 8-digit fingerprint, never the HWID itself.</summary>
    public string HardwareIdFingerprint => Crypto.HardwareIdFingerprint.Compute(HardwareId.ToArray());
}
