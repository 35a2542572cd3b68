using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Replay.Capture;
using TsThinLic.Tests.Capture;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>
/// The frames of one committed capture against serve (fixtures/captures/serve), each direction reassembled and cut
/// into TPKT packets (and fast-path PDUs once the client is active): real clients' bytes to decode.
/// </summary>
internal sealed class ServeCaptureStreams
{
    private ServeCaptureStreams(List<byte[]> fromClient, List<byte[]> fromServer)
    {
        FromClient = fromClient;
        FromServer = fromServer;
    }

    /// <summary>The client's frames, in order.</summary>
    public List<byte[]> FromClient { get; }

    /// <summary>The server's frames, in order.</summary>
    public List<byte[]> FromServer { get; }

    public static ServeCaptureStreams Load(string name)
    {
        byte[] file = CaptureFixtures.Read(Path.Combine("serve", name + ".pcapng"));
        var segments = CaptureFixtures.Segments(file);
        int serverPort = segments.First(s => s.Segment.IsSyn).Segment.DestinationPort;
        var toServer = new TcpStreamReassembler();
        var toClient = new TcpStreamReassembler();
        int index = 0;
        foreach ((TcpSegment segment, DateTimeOffset timestamp) in segments)
        {
            (segment.DestinationPort == serverPort ? toServer : toClient).Add(segment, index++, timestamp);
        }

        toServer.Finish();
        toClient.Finish();
        return new ServeCaptureStreams(Frames(toServer.Bytes.ToArray()), Frames(toClient.Bytes.ToArray()));
    }

    /// <summary>The client frame whose MCS payload (after TPKT and X.224) starts with <paramref name="prefix"/>.</summary>
    public byte[] ClientFrame(Func<byte[], bool> match) => FromClient.First(match);

    private static List<byte[]> Frames(byte[] stream)
    {
        var frames = new List<byte[]>();
        int offset = 0;
        while (offset < stream.Length)
        {
            ReadOnlySpan<byte> rest = stream.AsSpan(offset);
            DecodeStatus status = FastPathFrame.IsFastPath(rest[0])
                ? FastPathFrame.TryReadFrame(rest, out int length, out DecodeError error)
                : Tpkt.TryReadFrame(rest, out length, out error);
            if (status != DecodeStatus.Complete)
            {
                // TLS records, or the capture's end in the middle of a PDU: the frames before are what the tests use.
                break;
            }

            frames.Add(rest[..length].ToArray());
            offset += length;
        }

        return frames;
    }
}
