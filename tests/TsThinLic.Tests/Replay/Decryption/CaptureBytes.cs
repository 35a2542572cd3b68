using System.Buffers.Binary;
using System.Runtime.InteropServices;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Where each byte of a capture's TCP streams sits in the file: for the bit-flip tests, which change the file and
/// need to know which stream byte (a TLS record, an encrypted PDU) they changed. Only the first copy of a byte counts
/// (a retransmission is dropped by the reassembler, so flipping it changes nothing).
/// </summary>
internal sealed class CaptureBytes
{
    private readonly Dictionary<(string Connection, bool FromClient), List<(int StreamOffset, int FileOffset, int Length)>> _runs = [];
    private readonly Dictionary<(string Connection, bool FromClient), byte[]> _streams = [];

    public CaptureBytes(byte[] file)
    {
        File = file;
        CaptureFileReader.TryRead(file, out IReadOnlyList<CapturedFrame> frames, out _);
        var origins = new Dictionary<string, uint>();
        var clients = new Dictionary<string, string>();
        var streams = new Dictionary<(string, bool), List<byte>>();
        foreach (CapturedFrame frame in frames)
        {
            if (!TcpSegment.TryDecode(frame.LinkType, frame.Data, out TcpSegment? segment))
            {
                continue;
            }

            string source = $"{segment.Source}:{segment.SourcePort}";
            string destination = $"{segment.Destination}:{segment.DestinationPort}";
            string connection = string.CompareOrdinal(source, destination) < 0 ? source + " " + destination : destination + " " + source;
            if (segment.IsSyn)
            {
                origins[source] = segment.SequenceNumber + 1;
                if ((segment.Flags & TcpSegment.Ack) == 0)
                {
                    clients[connection] = source;
                }

                continue;
            }

            if (segment.Payload.IsEmpty || !origins.TryGetValue(source, out uint origin) || !MemoryMarshal.TryGetArray(segment.Payload, out ArraySegment<byte> inFile))
            {
                continue;
            }

            bool fromClient = clients.TryGetValue(connection, out string? client) && client == source;
            var key = (connection, fromClient);
            List<byte> stream = streams.TryGetValue(key, out List<byte>? existing) ? existing : streams[key] = [];
            int offset = (int)(segment.SequenceNumber - origin);
            int skip = stream.Count - offset;
            if (offset > stream.Count || skip >= segment.Payload.Length)
            {
                continue;
            }

            List<(int, int, int)> runs = _runs.TryGetValue(key, out var list) ? list : _runs[key] = [];
            runs.Add((stream.Count, inFile.Offset + Math.Max(0, skip), segment.Payload.Length - Math.Max(0, skip)));
            stream.AddRange(segment.Payload.Span[Math.Max(0, skip)..]);
        }

        foreach (var (key, stream) in streams)
        {
            _streams[key] = [.. stream];
        }
    }

    public byte[] File { get; }

    /// <summary>The connections and directions, and each direction's reassembled bytes.</summary>
    public IReadOnlyDictionary<(string Connection, bool FromClient), byte[]> Streams => _streams;

    /// <summary>The file offset of a stream byte.</summary>
    public int FileOffset((string Connection, bool FromClient) direction, int streamOffset)
    {
        foreach ((int start, int fileOffset, int length) in _runs[direction])
        {
            if (streamOffset >= start && streamOffset < start + length)
            {
                return fileOffset + (streamOffset - start);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(streamOffset));
    }

    /// <summary>A copy of the file with one bit flipped.</summary>
    public byte[] Flipped(int fileOffset, int bit)
    {
        byte[] copy = (byte[])File.Clone();
        copy[fileOffset] ^= (byte)(1 << bit);
        return copy;
    }

    /// <summary>Where TLS starts in a direction: after the X.224 Connection Request or Confirm (one TPKT).</summary>
    public static int TlsStart(byte[] stream) => BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(2));
}
