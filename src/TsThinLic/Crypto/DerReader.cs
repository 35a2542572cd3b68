namespace TsThinLic.Crypto;

/// <summary>
/// [ITU-T X.690 8.1, 10.1] A bounds-checked walk over DER TLVs: definite lengths only, as certificates must use.
/// It finds the raw TBSCertificate bytes the signature covers and bounds the nesting depth before BouncyCastle's
/// recursive parser sees hostile input.
/// </summary>
internal ref struct DerReader
{
    /// <summary>Deeper nesting than any certificate needs; a recursion bound for hostile input.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public DerReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool HasData => _position < _data.Length;

    public readonly int Position => _position;

    /// <summary>The whole span this reader walks (for offsets relative to an outer buffer).</summary>
    public readonly ReadOnlySpan<byte> Data => _data;

    /// <summary>Reads one TLV: its identifier (first octet), the whole element and its contents.</summary>
    public bool TryRead(out byte identifier, out ReadOnlySpan<byte> element, out ReadOnlySpan<byte> contents)
    {
        identifier = 0;
        element = default;
        contents = default;
        ReadOnlySpan<byte> rest = _data[_position..];
        if (rest.Length < 2)
        {
            return false;
        }

        identifier = rest[0];
        int offset = 1;
        if ((identifier & 0x1F) == 0x1F)
        {
            // High tag number form (X.690 8.1.2.4): base-128 octets, the last with bit 8 clear.
            int tagOctets = 0;
            while (true)
            {
                if (offset >= rest.Length || ++tagOctets > 4)
                {
                    return false;
                }

                if ((rest[offset++] & 0x80) == 0)
                {
                    break;
                }
            }
        }

        if (offset >= rest.Length)
        {
            return false;
        }

        int first = rest[offset++];
        int length;
        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            int lengthOctets = first & 0x7F;
            if (lengthOctets == 0 || lengthOctets > 3 || offset + lengthOctets > rest.Length)
            {
                // 0x80 is the indefinite form (BER only); 3 octets already exceed any licensing PDU.
                return false;
            }

            length = 0;
            for (int i = 0; i < lengthOctets; i++)
            {
                length = (length << 8) | rest[offset++];
            }
        }

        if (length > rest.Length - offset)
        {
            return false;
        }

        element = rest[..(offset + length)];
        contents = rest.Slice(offset, length);
        _position += offset + length;
        return true;
    }

    /// <summary>True when <paramref name="data"/> is a sequence of well-formed TLVs nested at most <paramref name="depthLeft"/> deep.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> data, int depthLeft = MaxDepth)
    {
        if (depthLeft <= 0)
        {
            return false;
        }

        var reader = new DerReader(data);
        while (reader.HasData)
        {
            if (!reader.TryRead(out byte identifier, out _, out ReadOnlySpan<byte> contents))
            {
                return false;
            }

            bool constructed = (identifier & 0x20) != 0;
            if (constructed && !IsWellFormed(contents, depthLeft - 1))
            {
                return false;
            }
        }

        return true;
    }
}
