using System.Buffers.Binary;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Tests.TestSupport;

/// <summary>
/// A classic pcap (LINKTYPE_RAW, microseconds) of one TCP connection, client 10.0.0.2:50000 to server 10.0.0.1:3389:
/// a SYN each way, then each payload as one segment with the sequence numbers counted here. For captures the tests
/// and the benchmarks make from bytes they already hold (linked into TsThinLic.Benchmarks).
/// </summary>
internal sealed class RawTcpPcapWriter
{
    private readonly MemoryStream _file = new();
    private uint _clientSequence = 1000;
    private uint _serverSequence = 5000;
    private int _time;

    public RawTcpPcapWriter()
    {
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4); // magic, microseconds
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 262144); // snaplen
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 101); // LINKTYPE_RAW
        _file.Write(header);
        Packet(fromClient: true, _clientSequence - 1, syn: true, []);
        Packet(fromClient: false, _serverSequence - 1, syn: true, []);
    }

    /// <summary>One segment carrying <paramref name="payload"/> in the given direction.</summary>
    public void Add(bool fromClient, ReadOnlySpan<byte> payload)
    {
        if (fromClient)
        {
            Packet(true, _clientSequence, syn: false, payload);
            _clientSequence += (uint)payload.Length;
        }
        else
        {
            Packet(false, _serverSequence, syn: false, payload);
            _serverSequence += (uint)payload.Length;
        }
    }

    public byte[] ToArray() => _file.ToArray();

    private void Packet(bool fromClient, uint sequence, bool syn, ReadOnlySpan<byte> payload)
    {
        byte[] ip = new byte[20 + 20 + payload.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)Math.Min(ip.Length, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), 0x4000); // DF
        ip[8] = 64;
        ip[9] = 6; // TCP
        byte[] client = [10, 0, 0, 2];
        byte[] server = [10, 0, 0, 1];
        (fromClient ? client : server).CopyTo(ip, 12);
        (fromClient ? server : client).CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(20), (ushort)(fromClient ? 50000 : 3389));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(22), (ushort)(fromClient ? 3389 : 50000));
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(24), sequence);
        ip[32] = 5 << 4; // data offset: 20 bytes
        ip[33] = (byte)(syn ? (fromClient ? TcpSegment.Syn : TcpSegment.Syn | TcpSegment.Ack) : TcpSegment.Ack);
        payload.CopyTo(ip.AsSpan(40));
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(_time++ * 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)ip.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)ip.Length);
        _file.Write(record);
        _file.Write(ip);
    }
}
