using System.Buffers.Binary;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 6.2.3] The protection of one direction of the record layer once ChangeCipherSpec switched it on:
/// TLSCompressed.fragment (no compression: the plaintext) to TLSCiphertext.fragment and back.
/// </summary>
internal abstract class TlsRecordCipher
{
    /// <summary>seq_num (8) + type (1) + version (2) + length (2), the MAC's and the AEAD's header ([RFC 5246 6.2.3.1, 6.2.3.3]).</summary>
    public const int AdditionalDataLength = 8 + 1 + 2 + 2;

    /// <summary>The TLSCiphertext.fragment carrying <paramref name="plaintext"/>.</summary>
    public abstract byte[] Encrypt(ulong sequenceNumber, TlsContentType type, ReadOnlySpan<byte> plaintext);

    /// <summary>
    /// The plaintext of a received TLSCiphertext.fragment; false when it does not authenticate (the caller sends
    /// bad_record_mac, whatever the cause: [RFC 5246 6.2.3.2] asks for one answer to bad padding and bad MAC).
    /// </summary>
    public abstract bool TryDecrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext);

    protected static void WriteAdditionalData(Span<byte> destination, ulong sequenceNumber, byte type, int version, int length)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, sequenceNumber);
        destination[8] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], (ushort)version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)length);
    }
}
