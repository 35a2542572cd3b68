using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2] What the three messages share: the "NTLMSSP\0" signature, MessageType, and payload fields described by
/// Len / MaxLen / BufferOffset triples. Every length is checked against the message and the stated maximum.
/// </summary>
internal static class NtlmWire
{
    /// <summary>"NTLMSSP\0".</summary>
    public static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    public const int HeaderLength = 8 /* Signature */ + 4 /* MessageType */;

    public const int FieldLength = 2 /* Len */ + 2 /* MaxLen */ + 4 /* BufferOffset */;

    /// <summary>The largest NTLM message accepted: far above any real one (a CHALLENGE of a forest's names is a few hundred bytes).</summary>
    public const int MaxMessageLength = 16 * 1024;

    public static bool TryReadHeader(ReadOnlySpan<byte> message, NtlmMessageType expected, out DecodeError error)
    {
        if (message.Length > MaxMessageLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "NTLM message", 0, $"{message.Length} bytes, more than {MaxMessageLength}");
            return false;
        }

        if (message.Length < HeaderLength)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "Signature", 0, $"{message.Length} bytes");
            return false;
        }

        if (!message[..8].SequenceEqual(Signature))
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "Signature", 0, "not \"NTLMSSP\\0\"");
            return false;
        }

        uint type = BinaryPrimitives.ReadUInt32LittleEndian(message[8..]);
        if (type != (uint)expected)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "MessageType", 8, $"{type}, expected {(uint)expected} ({expected})");
            return false;
        }

        error = default;
        return true;
    }

    /// <summary>Reads the payload field whose Len/MaxLen/BufferOffset triple is at <paramref name="fieldOffset"/>.</summary>
    public static bool TryReadField(ReadOnlySpan<byte> message, int fieldOffset, string name, out ReadOnlySpan<byte> value, out DecodeError error)
    {
        value = default;
        if (message.Length < fieldOffset + FieldLength)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, name + "Fields", fieldOffset, $"needs {FieldLength} bytes, {Math.Max(0, message.Length - fieldOffset)} remain");
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(message[fieldOffset..]);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(message[(fieldOffset + 4)..]);
        if (length == 0)
        {
            // An empty field's offset is not looked at: peers write 0 or the end of the payload.
            error = default;
            return true;
        }

        if (offset > (uint)message.Length || length > message.Length - (int)offset)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, name + "Len", fieldOffset, $"{length} bytes at offset {offset}, the message has {message.Length}");
            return false;
        }

        value = message.Slice((int)offset, length);
        error = default;
        return true;
    }

    public static void WriteHeader(Span<byte> destination, NtlmMessageType type)
    {
        Signature.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)type);
    }

    /// <summary>Writes a field's triple at <paramref name="fieldOffset"/> and its value at <paramref name="payloadOffset"/>; returns the next payload offset.</summary>
    public static int WriteField(Span<byte> message, int fieldOffset, int payloadOffset, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message[fieldOffset..], (ushort)value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message[(fieldOffset + 2)..], (ushort)value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(message[(fieldOffset + 4)..], (uint)payloadOffset);
        value.CopyTo(message[payloadOffset..]);
        return payloadOffset + value.Length;
    }
}
