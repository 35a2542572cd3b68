using TsThinLic.Pdu;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// One licensing PDU found in a capture ([MS-RDPBCGR 2.2.1.12]): the MCS userData starting at its TS_SECURITY_HEADER
/// (SEC_LICENSE_PKT set), who sent it, and the frame that completed it. When <see cref="IsEncrypted"/> (SEC_ENCRYPT
/// under Standard RDP Security) the bytes after the header are ciphertext under the connection's keys; with the
/// server's key the analyzer decrypts them first (<see cref="Decryption"/>), and the header then has SEC_ENCRYPT cleared.
/// </summary>
/// <param name="Direction">Who sent it.</param>
/// <param name="FrameIndex">The capture frame whose segment completed the PDU (0-based, file order).</param>
/// <param name="Timestamp">That frame's capture time.</param>
/// <param name="Bytes">TS_SECURITY_HEADER and what follows, as captured.</param>
/// <param name="StreamOffset">Offset of the TPKT that carried it in its direction's reassembled stream.</param>
public sealed record CapturedLicensingPdu(CaptureDirection Direction, int FrameIndex, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Bytes, int StreamOffset)
{
    /// <summary>The security header's flags.</summary>
    public ushort SecurityFlags => Bytes.Length >= 2 ? (ushort)(Bytes.Span[0] | (Bytes.Span[1] << 8)) : (ushort)0;

    /// <summary>SEC_ENCRYPT is set: the licensing PDU is encrypted with the connection's Standard RDP Security keys.</summary>
    public bool IsEncrypted => (SecurityFlags & SecurityHeader.SecEncrypt) != 0;

    /// <summary>How the PDU was decrypted (TLS, or Standard RDP Security and its MAC), or null when it travelled in clear.</summary>
    public string? Decryption { get; init; }

    /// <summary>It was decrypted, but its MAC does not verify: the bytes were altered or the keys are wrong.</summary>
    public bool DecryptionFailed { get; init; }
}
