using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>What the emulated license server sent in NEW_LICENSE or UPGRADE_LICENSE, for reports and logs.</summary>
/// <param name="Message">NEW_LICENSE or UPGRADE_LICENSE.</param>
/// <param name="Temporary">Whether the CAL is a temporary one.</param>
/// <param name="NotBefore">The CAL's NotBefore, when it decodes.</param>
/// <param name="NotAfter">The CAL's NotAfter, when it decodes.</param>
/// <param name="Returned">The client's own CAL handed back unchanged ([MS-RDPELE 3.2.5.5] case 4: no seat to upgrade to).</param>
public sealed record EmulatedIssuedLicense(LicensingMessageType Message, bool Temporary, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, bool Returned);
