namespace TsThinLic.Replay.Decryption;

/// <summary>
/// One TLS record of a captured connection [RFC 5246 6.2.1], [RFC 8446 5.1], and what its decryption gave.
/// </summary>
/// <param name="FromClient">Sent by the client.</param>
/// <param name="Index">Its position among its direction's records (0-based).</param>
/// <param name="Offset">Where its 5-byte header starts, counted from the first TLS byte of its direction.</param>
/// <param name="Length">Header and fragment.</param>
/// <param name="OuterType">TLSPlaintext/TLSCiphertext.type on the wire.</param>
/// <param name="ContentType">The real content type: the outer one, or TLSInnerPlaintext.type for TLS 1.3.</param>
/// <param name="Encrypted">The fragment was protected (and, when <see cref="Plaintext"/> is set, authenticated).</param>
/// <param name="Plaintext">The content (the fragment itself when not encrypted); null when it could not be decrypted.</param>
internal sealed record TlsCapturedRecord(bool FromClient, int Index, int Offset, int Length, byte OuterType, byte ContentType, bool Encrypted, byte[]? Plaintext)
{
    /// <summary>The capture frame (0-based) that delivered the record's last byte; -1 until the analyzer dates it.</summary>
    public int FrameIndex { get; init; } = -1;

    /// <summary>Where the record ends, counted like <see cref="Offset"/>.</summary>
    public int End => Offset + Length;
}
