using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.4.4] Server Network Data (TS_UD_SC_NET): the I/O channel and the IDs of the static channels.</summary>
public sealed class ServerNetworkData
{
    public ServerNetworkData(ushort ioChannelId, IReadOnlyList<ushort> channelIds)
    {
        IoChannelId = ioChannelId;
        ChannelIds = channelIds;
    }

    /// <summary>MCSChannelId: the MCS I/O channel (1003 on every server seen).</summary>
    public ushort IoChannelId { get; }

    /// <summary>channelIdArray, one per channel the client asked for, in order.</summary>
    public IReadOnlyList<ushort> ChannelIds { get; }

    internal void Write(RdpWriter writer)
    {
        int count = ChannelIds.Count;
        int padding = count % 2 == 1 ? 2 : 0;
        writer.WriteUInt16(UserDataBlock.ServerNetwork);
        writer.WriteUInt16((ushort)(UserDataBlock.HeaderLength + 4 + (2 * count) + padding));
        writer.WriteUInt16(IoChannelId);
        writer.WriteUInt16((ushort)count);
        foreach (ushort id in ChannelIds)
        {
            writer.WriteUInt16(id);
        }

        writer.WriteZeros(padding);
    }

    /// <summary>Decodes an SC_NET block's data (after its header).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ServerNetworkData? network, out DecodeError error)
    {
        network = null;
        var reader = new RdpReader(data, baseOffset);
        if (!reader.TryReadUInt16("MCSChannelId", out ushort io))
        {
            error = reader.Error;
            return false;
        }

        int countOffset = reader.Offset;
        if (!reader.TryReadUInt16("channelCount", out ushort count))
        {
            error = reader.Error;
            return false;
        }

        if (count > ClientNetworkData.MaxChannels || count * 2 > reader.Remaining)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "channelCount", countOffset, $"declares {count}, room for {reader.Remaining / 2} (maximum {ClientNetworkData.MaxChannels})");
            return false;
        }

        var ids = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            reader.TryReadUInt16("channelIdArray", out ids[i]);
        }

        network = new ServerNetworkData(io, ids);
        error = default;
        return true;
    }
}
