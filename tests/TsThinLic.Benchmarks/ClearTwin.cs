using System.Buffers.Binary;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Benchmarks;

/// <summary>
/// The same exchange as a TLS capture, in clear: each direction's X.224 packet, then every TLS record's decrypted
/// application data as a TCP segment of its own, in the frame order of the records. The RDP bytes, their
/// segmentation and the licensing PDUs are the TLS capture's; only TLS is gone. The baseline of the TLS benchmarks.
/// </summary>
internal static class ClearTwin
{
    public static byte[] Of(byte[] tlsCapture, DecryptionKeys keys)
    {
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(tlsCapture, keys);
        CaptureFileReader.TryRead(tlsCapture, out IReadOnlyList<CapturedFrame> frames, out _);
        var packets = new List<(int Frame, bool FromClient, byte[] Payload)>();
        foreach (CapturedConnection connection in analysis.Connections)
        {
            // The X.224 Connection Request and Confirm: the first payload of each direction in the original capture.
            foreach (bool fromClient in new[] { true, false })
            {
                string source = fromClient ? connection.Client : connection.Server;
                foreach (CapturedFrame frame in frames)
                {
                    if (TcpSegment.TryDecode(frame.LinkType, frame.Data, out TcpSegment? segment) && !segment.Payload.IsEmpty && $"{segment.Source}:{segment.SourcePort}" == source)
                    {
                        ReadOnlySpan<byte> payload = segment.Payload.Span;
                        packets.Add((frame.Index, fromClient, payload[..BinaryPrimitives.ReadUInt16BigEndian(payload[2..])].ToArray()));
                        break;
                    }
                }
            }

            foreach (TlsCapturedRecord record in connection.TlsRecords.Where(r => r.ContentType == 23 && r.Plaintext is { Length: > 0 }))
            {
                packets.Add((record.FrameIndex, record.FromClient, record.Plaintext!));
            }
        }

        return Pcap([.. packets.OrderBy(p => p.Frame)]);
    }

    private static byte[] Pcap(List<(int Frame, bool FromClient, byte[] Payload)> packets)
    {
        using var file = new MemoryStream();
        byte[] header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 101); // LINKTYPE_RAW
        file.Write(header);
        uint[] sequence = [1000, 5000];
        Write(file, true, sequence[0] - 1, syn: true, []);
        Write(file, false, sequence[1] - 1, syn: true, []);
        foreach ((_, bool fromClient, byte[] payload) in packets)
        {
            int side = fromClient ? 0 : 1;
            Write(file, fromClient, sequence[side], syn: false, payload);
            sequence[side] += (uint)payload.Length;
        }

        return file.ToArray();
    }

    private static void Write(Stream file, bool fromClient, uint sequence, bool syn, byte[] payload)
    {
        byte[] ip = new byte[40 + payload.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)Math.Min(ip.Length, ushort.MaxValue));
        ip[8] = 64;
        ip[9] = 6;
        byte[] client = [10, 0, 0, 2];
        byte[] server = [10, 0, 0, 1];
        (fromClient ? client : server).CopyTo(ip, 12);
        (fromClient ? server : client).CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(20), (ushort)(fromClient ? 50000 : 3389));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(22), (ushort)(fromClient ? 3389 : 50000));
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(24), sequence);
        ip[32] = 5 << 4;
        ip[33] = (byte)(syn ? (fromClient ? TcpSegment.Syn : TcpSegment.Syn | TcpSegment.Ack) : TcpSegment.Ack);
        payload.CopyTo(ip, 40);
        byte[] record = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)ip.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)ip.Length);
        file.Write(record);
        file.Write(ip);
    }
}
