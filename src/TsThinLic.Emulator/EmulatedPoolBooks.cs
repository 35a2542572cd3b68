using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>The books of an <see cref="EmulatedLicensePool"/>: what it has issued, who logged on, and the last serial number.</summary>
/// <param name="Licenses">Every CAL the pool counts, one per HWID.</param>
/// <param name="LoggedOn">The devices whose CAL was validated by a logon.</param>
/// <param name="LastSerialNumber">The serial number of the last CAL minted (the next one is higher).</param>
public sealed record EmulatedPoolBooks(IReadOnlyList<EmulatedPoolLicense> Licenses, IReadOnlyList<ClientHardwareId> LoggedOn, ulong LastSerialNumber);
