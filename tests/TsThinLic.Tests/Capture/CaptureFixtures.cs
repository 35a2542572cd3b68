using System.Buffers.Binary;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>
/// The committed real captures, and a way to rewrite them: their TCP segments are taken out, transformed (split,
/// duplicated, reordered) and written back as a classic pcap of raw IPv4 packets, so the reassembly is tested on
/// real traffic with the faults a real network adds.
/// </summary>
internal static class CaptureFixtures
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "fixtures", "captures");

    public static string PathOf(string name) => Path.Combine(Folder, name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static IEnumerable<string> Names() => Directory.EnumerateFiles(Folder, "*.pcapng").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>The TCP segments of a capture in file order, with their timestamps.</summary>
    public static List<(TcpSegment Segment, DateTimeOffset Timestamp)> Segments(byte[] file)
    {
        Assert.True(CaptureFileReader.TryRead(file, out IReadOnlyList<CapturedFrame> frames, out CaptureError error), error.ToString());
        var segments = new List<(TcpSegment, DateTimeOffset)>();
        foreach (CapturedFrame frame in frames)
        {
            if (TcpSegment.TryDecode(frame.LinkType, frame.Data, out TcpSegment? segment))
            {
                segments.Add((segment, frame.Timestamp));
            }
        }

        return segments;
    }

    /// <summary>Writes segments as a classic little-endian microsecond pcap with LINKTYPE_RAW IPv4 packets.</summary>
    public static byte[] WritePcap(IEnumerable<(TcpSegment Segment, DateTimeOffset Timestamp)> segments, bool bigEndian = false)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        Write32(header, 0xa1b2c3d4, bigEndian);
        Write16(header[4..], 2, bigEndian);
        Write16(header[6..], 4, bigEndian);
        Write32(header[16..], 262144, bigEndian);
        Write32(header[20..], 101, bigEndian);
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var (segment, timestamp) in segments)
        {
            byte[] packet = RawIPv4(segment);
            long micros = (timestamp - DateTimeOffset.UnixEpoch).Ticks / 10;
            Write32(record, (uint)(micros / 1_000_000), bigEndian);
            Write32(record[4..], (uint)(micros % 1_000_000), bigEndian);
            Write32(record[8..], (uint)packet.Length, bigEndian);
            Write32(record[12..], (uint)packet.Length, bigEndian);
            stream.Write(record);
            stream.Write(packet);
        }

        return stream.ToArray();
    }

    /// <summary>Copies a segment with another sequence number and payload.</summary>
    public static TcpSegment With(TcpSegment segment, uint sequence, ReadOnlyMemory<byte> payload)
        => segment with { SequenceNumber = sequence, Payload = payload };

    private static byte[] RawIPv4(TcpSegment segment)
    {
        int length = 20 + 20 + segment.Payload.Length;
        byte[] packet = new byte[length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)length);
        packet[6] = 0x40; // DF
        packet[8] = 64;
        packet[9] = 6;
        segment.Source.GetAddressBytes().CopyTo(packet, 12);
        segment.Destination.GetAddressBytes().CopyTo(packet, 16);
        Span<byte> tcp = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)segment.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)segment.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], segment.SequenceNumber);
        tcp[12] = 5 << 4;
        tcp[13] = segment.Flags;
        segment.Payload.Span.CopyTo(tcp[20..]);
        return packet;
    }

    private static void Write32(Span<byte> span, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }

    private static void Write16(Span<byte> span, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }
}
