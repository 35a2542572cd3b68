using System.Buffers.Binary;
using TsThinLic.Rdp;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Writes an exchange's licensing PDUs as a classic pcap of one RDP connection over TCP (raw IPv4, a SYN from the
/// client, each PDU in MCS Send Data in X.224 Data in a TPKT): a capture of the emulated license server whose key
/// the tests hold, for the command-line paths of --license-key.
/// </summary>
internal static class LicensingCapture
{
    private const ushort UserId = 1007;
    private const ushort IoChannel = 1003;

    public static byte[] Write(ReplayExchange exchange)
    {
        using var file = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4); // magic, microseconds
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 262144); // snaplen
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 101); // LINKTYPE_RAW
        file.Write(header);
        uint clientSequence = 1000;
        uint serverSequence = 5000;
        int time = 0;
        Packet(file, ref time, fromClient: true, clientSequence - 1, syn: true, []);
        Packet(file, ref time, fromClient: false, serverSequence - 1, syn: true, []);
        foreach (ReplayPdu pdu in exchange.Pdus)
        {
            bool fromClient = pdu.Direction == CaptureDirection.ClientToServer;
            byte[] packet = X224Data.Wrap(McsDomainPdu.EncodeSendData(fromClient ? McsDomainPduType.SendDataRequest : McsDomainPduType.SendDataIndication, UserId, IoChannel, pdu.Bytes.Span));
            Packet(file, ref time, fromClient, fromClient ? clientSequence : serverSequence, syn: false, packet);
            if (fromClient)
            {
                clientSequence += (uint)packet.Length;
            }
            else
            {
                serverSequence += (uint)packet.Length;
            }
        }

        return file.ToArray();
    }

    private static void Packet(Stream file, ref int time, bool fromClient, uint sequence, bool syn, byte[] payload)
    {
        byte[] ip = new byte[20 + 20 + payload.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
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
        payload.CopyTo(ip, 40);
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(time++ * 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)ip.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)ip.Length);
        file.Write(record);
        file.Write(ip);
    }
}
