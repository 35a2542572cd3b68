namespace TsThinLic.Replay.Capture;

/// <summary>
/// [pcapng 4.7] A Decryption Secrets Block: secrets that decrypt traffic in the file, as <c>editcap --inject-secrets</c>
/// writes them (type 0x544c534b "TLSK": an NSS key log).
/// </summary>
/// <param name="SecretsType">Secrets Type.</param>
/// <param name="Data">Secrets Data (Secrets Length bytes, without the padding).</param>
/// <param name="FileOffset">Where the block starts in the file.</param>
/// <param name="PaddingIsZero">Whether the padding to a 32-bit boundary is zero, as [pcapng 3.1] asks.</param>
public sealed record CapturedSecrets(uint SecretsType, ReadOnlyMemory<byte> Data, long FileOffset, bool PaddingIsZero)
{
    /// <summary>TLS Key Log ("TLSK"): an NSS key log.</summary>
    public const uint TlsKeyLog = 0x544c534b;
}
