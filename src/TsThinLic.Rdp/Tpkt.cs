using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.1] TPKT header ([T123] section 8): version 3, reserved, 16-bit big-endian length that counts
/// the whole packet including this header. Frames one TPKT packet; decoding what is inside is the caller's job.
/// </summary>
public static class Tpkt
{
    /// <summary>version (1) + reserved (1) + length (2).</summary>
    public const int HeaderLength = 1 /* version */ + 1 /* reserved */ + 2 /* length */;

    /// <summary>TPKT version 3.</summary>
    public const byte Version = 3;

    /// <summary>The largest packet the 16-bit length can declare.</summary>
    public const int MaxPacketLength = ushort.MaxValue;

    /// <summary>The smallest packet that can carry an X.224 TPDU (header + LI + code + one more byte).</summary>
    public const int MinPacketLength = HeaderLength + 3;

    /// <summary>Writes a TPKT header for a packet whose payload is <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, MaxPacketLength - HeaderLength);
        destination[0] = Version;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(payloadLength + HeaderLength));
    }

    /// <summary>Wraps <paramref name="payload"/> in a TPKT packet.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload)
    {
        byte[] packet = new byte[payload.Length + HeaderLength];
        WriteHeader(packet, payload.Length);
        payload.CopyTo(packet.AsSpan(HeaderLength));
        return packet;
    }

    /// <summary>
    /// Finds one TPKT packet at the start of <paramref name="buffer"/>. A wrong version or an impossible length is
    /// rejected from the header alone, before waiting for the body. <paramref name="packetLength"/> is the declared
    /// length as soon as the header is present, also while the body is still arriving.
    /// </summary>
    public static DecodeStatus TryReadFrame(in ReadOnlySequence<byte> buffer, out int packetLength, out DecodeError error)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        int present = (int)Math.Min(buffer.Length, HeaderLength);
        buffer.Slice(0, present).CopyTo(header);
        return TryReadFrame(header[..present], buffer.Length, out packetLength, out error);
    }

    /// <inheritdoc cref="TryReadFrame(in ReadOnlySequence{byte}, out int, out DecodeError)"/>
    public static DecodeStatus TryReadFrame(ReadOnlySpan<byte> buffer, out int packetLength, out DecodeError error)
        => TryReadFrame(buffer[..Math.Min(buffer.Length, HeaderLength)], buffer.Length, out packetLength, out error);

    private static DecodeStatus TryReadFrame(ReadOnlySpan<byte> header, long available, out int packetLength, out DecodeError error)
    {
        packetLength = 0;
        error = default;
        if (!header.IsEmpty && header[0] != Version)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "version", 0, $"0x{header[0]:x2} is not TPKT version 3 (not an RDP server, or a fast-path PDU)");
            return DecodeStatus.Invalid;
        }

        if (header.Length < HeaderLength)
        {
            return DecodeStatus.NeedMoreData;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        if (length < MinPacketLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", 2, $"declares {length}, the minimum is {MinPacketLength}");
            return DecodeStatus.Invalid;
        }

        packetLength = length;
        return available < length ? DecodeStatus.NeedMoreData : DecodeStatus.Complete;
    }

    /// <summary>Checks the TPKT header of a whole packet and returns its payload.</summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload, out DecodeError error)
    {
        payload = default;
        var reader = new RdpReader(packet);
        if (!reader.TryExpectByte("version", Version) || !reader.TrySkip("reserved", 1) || !reader.TryReadUInt16BigEndian("length", out ushort length))
        {
            error = reader.Error;
            return false;
        }

        if (length != packet.Length)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", 2, $"declares {length}, the packet has {packet.Length}");
            return false;
        }

        payload = packet[HeaderLength..];
        error = default;
        return true;
    }
}
