using System.Buffers.Binary;

namespace TsThinLic.Capture;

/// <summary>
/// [T.125 7, MS-RDPBCGR 2.2.8.1.1.1.1] MCS Send Data Request (client to server) or Send Data Indication (server to
/// client), PER-encoded: the DomainMCSPDU choice, initiator (user ID - 1001), channelId, dataPriority and
/// segmentation, and the length-prefixed userData (the RDP security header and what follows).
/// </summary>
/// <param name="IsIndication">True for SDin (choice 26), false for SDrq (choice 25).</param>
/// <param name="Initiator">initiator: the MCS user ID.</param>
/// <param name="ChannelId">channelId: 1003 is the I/O channel in every known server.</param>
/// <param name="UserData">userData.</param>
public readonly record struct McsSendData(bool IsIndication, int Initiator, int ChannelId, ReadOnlyMemory<byte> UserData)
{
    /// <summary>DomainMCSPDU choice of sendDataRequest.</summary>
    public const int SendDataRequest = 25;

    /// <summary>DomainMCSPDU choice of sendDataIndication.</summary>
    public const int SendDataIndication = 26;

    private const int FixedLength = 1 /* choice */ + 2 /* initiator */ + 2 /* channelId */ + 1 /* dataPriority, segmentation */;
    private const int InitiatorBase = 1001;

    /// <summary>The DomainMCSPDU choice of an X.224 Data TPDU's user data (top 6 bits of the first byte), or -1.</summary>
    public static int Choice(ReadOnlySpan<byte> mcs) => mcs.IsEmpty ? -1 : mcs[0] >> 2;

    /// <summary>
    /// Decodes SDrq/SDin. False (with the field in <paramref name="problem"/>) for another MCS PDU, a short header,
    /// a fragmented PER length, or a userData length larger than what remains.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> mcs, out McsSendData sendData, out string? problem)
    {
        sendData = default;
        ReadOnlySpan<byte> span = mcs.Span;
        int choice = Choice(span);
        if (choice is not (SendDataRequest or SendDataIndication))
        {
            problem = $"DomainMCSPDU choice {choice} is not send data";
            return false;
        }

        if (span.Length < FixedLength + 1)
        {
            problem = "MCS send data header is truncated";
            return false;
        }

        int offset = FixedLength;
        int length = span[offset];
        // [X.691 10.9]: one byte below 128, two bytes with 10 in the top bits; 11 means fragments (never in RDP).
        if ((length & 0xc0) == 0xc0)
        {
            problem = "userData length is fragmented (PER 16K blocks)";
            return false;
        }

        if ((length & 0x80) != 0)
        {
            if (span.Length < offset + 2)
            {
                problem = "userData length is truncated";
                return false;
            }

            length = ((length & 0x3f) << 8) | span[offset + 1];
            offset += 2;
        }
        else
        {
            offset += 1;
        }

        if (length > span.Length - offset)
        {
            problem = $"userData length declares {length} bytes, {span.Length - offset} remain";
            return false;
        }

        sendData = new McsSendData(
            choice == SendDataIndication,
            BinaryPrimitives.ReadUInt16BigEndian(span[1..]) + InitiatorBase,
            BinaryPrimitives.ReadUInt16BigEndian(span[3..]),
            mcs.Slice(offset, length));
        problem = null;
        return true;
    }
}
