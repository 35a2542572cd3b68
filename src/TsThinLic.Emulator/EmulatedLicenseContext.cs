using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>What the emulated server knows of the client when it issues a license.</summary>
/// <param name="HardwareId">The HWID from the client's PLATFORM_CHALLENGE_RESPONSE, if it verified.</param>
/// <param name="UserName">ClientUserName of the NEW_LICENSE_REQUEST, if one was sent.</param>
/// <param name="MachineName">ClientMachineName of the NEW_LICENSE_REQUEST, if one was sent.</param>
/// <param name="PresentedLicense">The CAL of the client's LICENSE_INFO, when it presented one.</param>
/// <param name="Upgrade">Whether the license goes out in UPGRADE_LICENSE.</param>
public sealed record EmulatedLicenseContext(ClientHardwareId? HardwareId, string? UserName, string? MachineName, ReadOnlyMemory<byte>? PresentedLicense, bool Upgrade);
