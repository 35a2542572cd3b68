using System.Buffers.Binary;

namespace TsThinLic.Rdp.Nla;

/// <summary>[ITU-T X.690 10] DER encodings of the CredSSP and SPNEGO elements, each as a new array.</summary>
internal static class DerWriter
{
    public static byte[] Element(byte tag, ReadOnlySpan<byte> contents)
    {
        int lengthOctets = contents.Length < 0x80 ? 0 : contents.Length <= 0xFF ? 1 : contents.Length <= 0xFFFF ? 2 : 3;
        byte[] element = new byte[2 + lengthOctets + contents.Length];
        element[0] = tag;
        if (lengthOctets == 0)
        {
            element[1] = (byte)contents.Length;
        }
        else
        {
            element[1] = (byte)(0x80 | lengthOctets);
            for (int i = 0; i < lengthOctets; i++)
            {
                element[2 + i] = (byte)(contents.Length >> (8 * (lengthOctets - 1 - i)));
            }
        }

        contents.CopyTo(element.AsSpan(2 + lengthOctets));
        return element;
    }

    public static byte[] Sequence(params ReadOnlySpan<byte[]> elements) => Element(DerTags.Sequence, Concat(elements));

    public static byte[] Explicit(int number, ReadOnlySpan<byte> element) => Element(DerTags.Context(number), element);

    public static byte[] OctetString(ReadOnlySpan<byte> value) => Element(DerTags.OctetString, value);

    /// <summary>INTEGER in the fewest octets of two's complement (X.690 8.3.2).</summary>
    public static byte[] Integer(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        int start = 0;
        while (start < 3 && ((bytes[start] == 0x00 && (bytes[start + 1] & 0x80) == 0) || (bytes[start] == 0xFF && (bytes[start + 1] & 0x80) != 0)))
        {
            start++;
        }

        return Element(DerTags.Integer, bytes[start..]);
    }

    public static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        int length = 0;
        foreach (byte[] part in parts)
        {
            length += part.Length;
        }

        byte[] result = new byte[length];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
