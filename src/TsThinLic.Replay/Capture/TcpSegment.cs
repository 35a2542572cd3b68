using System.Buffers.Binary;
using System.Net;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// A TCP segment taken out of a captured frame: the link layer (Ethernet with VLAN tags, Linux cooked SLL/SLL2,
/// BSD loopback, raw IP) and IPv4/IPv6 are peeled off ([RFC 791], [RFC 8200], [RFC 9293 3.1]). IP fragments and
/// anything that is not TCP are not segments.
/// </summary>
public sealed record TcpSegment(IPAddress Source, int SourcePort, IPAddress Destination, int DestinationPort, uint SequenceNumber, byte Flags, ReadOnlyMemory<byte> Payload)
{
    /// <summary>FIN.</summary>
    public const byte Fin = 0x01;

    /// <summary>SYN.</summary>
    public const byte Syn = 0x02;

    /// <summary>RST.</summary>
    public const byte Rst = 0x04;

    /// <summary>ACK.</summary>
    public const byte Ack = 0x10;

    private const int EthernetHeaderLength = 6 /* destination */ + 6 /* source */ + 2 /* EtherType */;

    public bool IsSyn => (Flags & Syn) != 0;

    /// <summary>Peels a frame down to its TCP segment; false for anything else (ARP, UDP, fragments, truncated headers).</summary>
    public static bool TryDecode(int linkType, ReadOnlyMemory<byte> frame, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TcpSegment? segment)
    {
        segment = null;
        ReadOnlySpan<byte> span = frame.Span;
        int offset;
        int etherType;
        switch (linkType)
        {
            case 1: // LINKTYPE_ETHERNET
                if (span.Length < EthernetHeaderLength)
                {
                    return false;
                }

                offset = EthernetHeaderLength;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(span[12..]);
                // 802.1Q / 802.1ad tags: 4 bytes each before the real EtherType.
                for (int tags = 0; (etherType == 0x8100 || etherType == 0x88a8) && tags < 4; tags++)
                {
                    if (span.Length < offset + 4)
                    {
                        return false;
                    }

                    etherType = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 2)..]);
                    offset += 4;
                }

                break;
            case 113: // LINKTYPE_LINUX_SLL: protocol at 14, header 16 bytes
                if (span.Length < 16)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(span[14..]);
                offset = 16;
                break;
            case 276: // LINKTYPE_LINUX_SLL2: protocol at 0, header 20 bytes
                if (span.Length < 20)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(span);
                offset = 20;
                break;
            case 0: // LINKTYPE_NULL: 4-byte address family in the capturing host's byte order
            case 109: // LINKTYPE_ENC-like loopback (OpenBSD)
                if (span.Length < 4)
                {
                    return false;
                }

                uint family = BinaryPrimitives.ReadUInt32LittleEndian(span);
                if (family > 0xffff)
                {
                    family = BinaryPrimitives.ReverseEndianness(family);
                }

                etherType = family == 2 ? 0x0800 : family is 10 or 24 or 28 or 30 ? 0x86dd : -1;
                offset = 4;
                break;
            case 101: // LINKTYPE_RAW
            case 228: // LINKTYPE_IPV4
            case 229: // LINKTYPE_IPV6
                if (span.IsEmpty)
                {
                    return false;
                }

                etherType = (span[0] >> 4) == 6 ? 0x86dd : 0x0800;
                offset = 0;
                break;
            default:
                return false;
        }

        return etherType switch
        {
            0x0800 => TryDecodeIPv4(frame[offset..], out segment),
            0x86dd => TryDecodeIPv6(frame[offset..], out segment),
            _ => false,
        };
    }

    private static bool TryDecodeIPv4(ReadOnlyMemory<byte> packet, out TcpSegment? segment)
    {
        segment = null;
        ReadOnlySpan<byte> span = packet.Span;
        if (span.Length < 20 || (span[0] >> 4) != 4)
        {
            return false;
        }

        int headerLength = (span[0] & 0x0f) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(span[6..]);
        // More Fragments set or a fragment offset: not a whole segment (RDP stacks set DF; fragments are not reassembled).
        if (headerLength < 20 || totalLength < headerLength || span[9] != 6 || (fragment & 0x3fff) != 0)
        {
            return false;
        }

        // A frame may carry Ethernet padding after the datagram, or be cut short by the snapshot length.
        int end = Math.Min(totalLength, span.Length);
        if (end < headerLength)
        {
            return false;
        }

        var source = new IPAddress(span.Slice(12, 4));
        var destination = new IPAddress(span.Slice(16, 4));
        return TryDecodeTcp(packet[headerLength..end], source, destination, out segment);
    }

    private static bool TryDecodeIPv6(ReadOnlyMemory<byte> packet, out TcpSegment? segment)
    {
        segment = null;
        ReadOnlySpan<byte> span = packet.Span;
        if (span.Length < 40 || (span[0] >> 4) != 6)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
        int next = span[6];
        int offset = 40;
        int end = Math.Min(40 + payloadLength, span.Length);
        // Hop-by-hop (0), routing (43) and destination options (60) are skipped; a fragment header (44) ends it.
        for (int hops = 0; next is 0 or 43 or 60 && hops < 8; hops++)
        {
            if (end - offset < 8)
            {
                return false;
            }

            next = span[offset];
            offset += (span[offset + 1] + 1) * 8;
        }

        if (next != 6 || offset > end)
        {
            return false;
        }

        var source = new IPAddress(span.Slice(8, 16));
        var destination = new IPAddress(span.Slice(24, 16));
        return TryDecodeTcp(packet[offset..end], source, destination, out segment);
    }

    // [RFC 9293 3.1]: ports, sequence number, data offset in 32-bit words, flags.
    private static bool TryDecodeTcp(ReadOnlyMemory<byte> tcp, IPAddress source, IPAddress destination, out TcpSegment? segment)
    {
        segment = null;
        ReadOnlySpan<byte> span = tcp.Span;
        if (span.Length < 20)
        {
            return false;
        }

        int dataOffset = (span[12] >> 4) * 4;
        if (dataOffset < 20 || dataOffset > span.Length)
        {
            return false;
        }

        segment = new TcpSegment(
            source,
            BinaryPrimitives.ReadUInt16BigEndian(span),
            destination,
            BinaryPrimitives.ReadUInt16BigEndian(span[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(span[4..]),
            span[13],
            tcp[dataOffset..]);
        return true;
    }
}
