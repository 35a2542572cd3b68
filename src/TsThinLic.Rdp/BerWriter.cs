namespace TsThinLic.Rdp;

/// <summary>BER encoding helpers (ITU-T X.690) for the MCS connect PDUs of T.125; definite lengths only.</summary>
internal static class BerWriter
{
    public const int TagBoolean = 0x01;
    public const int TagInteger = 0x02;
    public const int TagOctetString = 0x04;
    public const int TagEnumerated = 0x0A;
    public const int TagSequence = 0x30;

    /// <summary>[APPLICATION 101] Connect-Initial, constructed: 0x7F 0x65.</summary>
    public const int TagConnectInitial = 0x7F65;

    /// <summary>[APPLICATION 102] Connect-Response, constructed: 0x7F 0x66.</summary>
    public const int TagConnectResponse = 0x7F66;

    public static void WriteTag(RdpWriter writer, int tag)
    {
        if (tag > 0xFF)
        {
            writer.WriteByte((byte)(tag >> 8));
        }

        writer.WriteByte((byte)tag);
    }

    public static void WriteLength(RdpWriter writer, int length)
    {
        if (length < 0x80)
        {
            writer.WriteByte((byte)length);
        }
        else if (length <= 0xFF)
        {
            writer.WriteByte(0x81);
            writer.WriteByte((byte)length);
        }
        else
        {
            writer.WriteByte(0x82);
            writer.WriteUInt16BigEndian((ushort)length);
        }
    }

    public static void WriteTagged(RdpWriter writer, int tag, ReadOnlySpan<byte> content)
    {
        WriteTag(writer, tag);
        WriteLength(writer, content.Length);
        writer.WriteBytes(content);
    }

    /// <summary>
    /// INTEGER in the fewest bytes that hold the value unsigned. Strict BER would add a leading zero to 0xFFFF; RDP
    /// peers write "02 02 ff ff" ([MS-RDPBCGR 4.1.3] maxMCSPDUsize) and read it as unsigned, and so does this client.
    /// </summary>
    public static void WriteInteger(RdpWriter writer, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        int length = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
        for (int i = 0; i < length; i++)
        {
            bytes[length - 1 - i] = (byte)(value >> (8 * i));
        }

        WriteTagged(writer, TagInteger, bytes[..length]);
    }

    public static void WriteBoolean(RdpWriter writer, bool value)
    {
        ReadOnlySpan<byte> content = [value ? (byte)0xFF : (byte)0x00];
        WriteTagged(writer, TagBoolean, content);
    }
}
