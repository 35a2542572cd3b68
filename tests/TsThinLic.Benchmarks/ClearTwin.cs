using System.Buffers.Binary;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using TsThinLic.Tests.TestSupport;

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

        var pcap = new RawTcpPcapWriter();
        foreach ((_, bool fromClient, byte[] payload) in packets.OrderBy(p => p.Frame))
        {
            pcap.Add(fromClient, payload);
        }

        return pcap.ToArray();
    }
}
