using System.Buffers;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12] Server/Client Licensing PDU: an optional TS_SECURITY_HEADER, the LICENSE_PREAMBLE and one
/// licensing message. One subclass per message; all are immutable.
/// </summary>
/// <remarks>
/// A message built by a constructor gets wMsgSize computed per spec (preamble plus message, not the security header);
/// the MessageSize of the preamble handed to a constructor is ignored. A decoded message keeps every byte it was built
/// from (blob types, flags, padding, flagsHi), so it re-encodes byte for byte, with one deliberate exception: when the
/// received wMsgSize also counted the security header (an IronRDP quirk, <see cref="MessageSizeIncludesSecurityHeader"/>),
/// re-encoding writes the spec's value.
/// </remarks>
public abstract class LicensingPdu
{
    private readonly byte _flags;
    private ushort? _receivedMessageSize;

    private protected LicensingPdu(LicensePreamble preamble, SecurityHeader? securityHeader, LicensingMessageType expected, LicensingMessageType? alsoAllowed = null)
    {
        if (preamble.MessageType != expected && preamble.MessageType != alsoAllowed)
        {
            throw new ArgumentException($"The preamble says {LicensingSpecNames.MessageType(preamble.MessageType)}, this message is {LicensingSpecNames.MessageType(expected)}.", nameof(preamble));
        }

        MessageType = preamble.MessageType;
        _flags = preamble.Flags;
        SecurityHeader = securityHeader;
    }

    /// <summary>The preamble: bMsgType, flags, and wMsgSize as received (decoded) or as it will be encoded (built).</summary>
    public LicensePreamble Preamble => new(MessageType, _flags, _receivedMessageSize ?? SpecMessageSize);

    /// <summary>The TS_SECURITY_HEADER that preceded the PDU, or the one to write; null when none.</summary>
    public SecurityHeader? SecurityHeader { get; }

    /// <summary>bMsgType.</summary>
    public LicensingMessageType MessageType { get; }

    /// <summary>
    /// Whether the received wMsgSize counted the 4-byte security header as well (IronRDP test vectors do). Accepted on
    /// decode; never emitted: encoding writes the spec's wMsgSize.
    /// </summary>
    public bool MessageSizeIncludesSecurityHeader => _receivedMessageSize is { } received && received != SpecMessageSize;

    private ushort SpecMessageSize => (ushort)(LicensePreamble.Length + BodyLength);

    private protected abstract int BodyLength { get; }

    /// <summary>Bytes the PDU takes: the optional security header, the preamble and the message.</summary>
    public int GetEncodedLength(bool withSecurityHeader = false)
        => (withSecurityHeader ? global::TsThinLic.Pdu.SecurityHeader.Length : 0) + LicensePreamble.Length + BodyLength;

    /// <summary>
    /// Writes the PDU; false (nothing written) when <paramref name="destination"/> is too small. With a security header,
    /// <see cref="SecurityHeader"/> is written, or SEC_LICENSE_PKT alone when there is none.
    /// </summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten, bool withSecurityHeader = false)
    {
        int length = GetEncodedLength(withSecurityHeader);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var writer = new WireWriter(destination);
        if (withSecurityHeader)
        {
            SecurityHeader header = SecurityHeader ?? global::TsThinLic.Pdu.SecurityHeader.LicensePacket;
            writer.WriteUInt16(header.Flags);
            writer.WriteUInt16(header.FlagsHi);
        }

        writer.WriteByte((byte)MessageType);
        writer.WriteByte(_flags);
        writer.WriteUInt16(SpecMessageSize);
        WriteBody(ref writer);
        bytesWritten = writer.Position;
        return true;
    }

    public void Encode(IBufferWriter<byte> writer, bool withSecurityHeader = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = GetEncodedLength(withSecurityHeader);
        Span<byte> destination = writer.GetSpan(length);
        TryEncode(destination, out int written, withSecurityHeader);
        writer.Advance(written);
    }

    public byte[] ToArray(bool withSecurityHeader = false)
    {
        byte[] bytes = new byte[GetEncodedLength(withSecurityHeader)];
        TryEncode(bytes, out _, withSecurityHeader);
        return bytes;
    }

    public override string ToString() => $"{LicensingSpecNames.MessageType(MessageType)} ({LicensePreamble.Length + BodyLength} bytes)";

    internal void SetReceivedMessageSize(ushort messageSize) => _receivedMessageSize = messageSize;

    private protected abstract void WriteBody(ref WireWriter writer);

    /// <summary>Called last by each constructor: wMsgSize is 16 bits.</summary>
    private protected void EnsureFitsMessageSize()
    {
        if (LicensePreamble.Length + BodyLength > ushort.MaxValue)
        {
            throw new ArgumentException($"The message is {LicensePreamble.Length + BodyLength} bytes; wMsgSize allows {ushort.MaxValue}.");
        }
    }

    private protected static ReadOnlyMemory<byte> RequireLength(ReadOnlyMemory<byte> value, int length, string parameterName)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"Must be {length} bytes, is {value.Length}.", parameterName);
        }

        return value;
    }
}
