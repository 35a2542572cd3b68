using TsThinLic.Pdu;

namespace TsThinLic.Replay.Decryption;

/// <summary>What the licensing keys opened in one exchange: the premaster secrets, the HWID, and facts for the report.</summary>
internal sealed class LicensingDecryption
{
    /// <summary>The premaster secret of each client request whose EncryptedPreMasterSecret decrypted, in order.</summary>
    public List<ReadOnlyMemory<byte>> PreMasterSecrets { get; } = [];

    /// <summary>The client's HWID, from PLATFORM_CHALLENGE_RESPONSE or LICENSE_INFO, when its MAC verified.</summary>
    public ClientHardwareId? HardwareId { get; set; }

    /// <summary>What was decrypted, said for people: the HWID, the challenge, the CAL.</summary>
    public List<string> Revealed { get; } = [];

    /// <summary>What could not be decrypted, and why.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>PDUs (by their index in the exchange) whose MAC did not verify after decryption.</summary>
    public Dictionary<int, string> FailedPdus { get; } = [];

    /// <summary>Whether a premaster secret was recovered for every client request that carried one.</summary>
    public bool Complete { get; set; }
}
