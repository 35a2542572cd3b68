using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// One licensing PDU of an exchange to replay: who sent it and its bytes (TS_SECURITY_HEADER first when the
/// connection had one). <see cref="IsEncrypted"/>: the bytes after the header are Standard RDP Security ciphertext.
/// </summary>
/// <param name="Direction">Who sent it.</param>
/// <param name="Bytes">The PDU as captured or written in the transcript.</param>
/// <param name="IsEncrypted">SEC_ENCRYPT was set: the contents cannot be decoded without the connection's keys.</param>
/// <param name="Timestamp">When it was captured, if it was.</param>
/// <param name="FrameIndex">The capture frame that completed it (1-based as Wireshark numbers them), if captured.</param>
public sealed record ReplayPdu(CaptureDirection Direction, ReadOnlyMemory<byte> Bytes, bool IsEncrypted = false, DateTimeOffset? Timestamp = null, int? FrameIndex = null)
{
    /// <summary>How the PDU was decrypted (inside TLS, Standard RDP Security, its licensing fields), or null.</summary>
    public string? Decryption { get; init; }

    /// <summary>
    /// Decryption showed the PDU is not what was sent (a MAC that does not verify): its verdict is a failure,
    /// whatever it decodes to.
    /// </summary>
    public string? DecryptionFailure { get; init; }
}
