using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Connection;

/// <summary>What a probe-secrets file (<see cref="ProbeSecrets"/>) tells a replay of the probe's licensing exchange.</summary>
/// <param name="HardwareId">The HWID the probe presented; null in the secrets a server recorded for another client (its HWID is not ours to replay).</param>
/// <param name="UserName">ClientUserName, if recorded.</param>
/// <param name="MachineName">ClientMachineName, if recorded.</param>
/// <param name="LicensingClientRandom">The licensing client random (32 bytes), or empty.</param>
/// <param name="PreMasterSecret">The licensing premaster secret (48 bytes), or empty.</param>
public sealed record RecordedProbeSecrets(ClientHardwareId? HardwareId, string? UserName, string? MachineName, byte[] LicensingClientRandom, byte[] PreMasterSecret);
