using System.Text;

namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.4] Client Network Data (TS_UD_CS_NET): the static virtual channels the client asks for.</summary>
public sealed class ClientNetworkData
{
    /// <summary>Channels the server may have to allocate ([MS-RDPBCGR] allows at most 31).</summary>
    public const int MaxChannels = 31;

    public ClientNetworkData(IReadOnlyList<ChannelDefinition>? channels = null)
    {
        Channels = channels ?? [];
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Channels.Count, MaxChannels, nameof(channels));
        foreach (ChannelDefinition channel in Channels)
        {
            if (channel.Name.Length is 0 or > 7 || Encoding.ASCII.GetByteCount(channel.Name) != channel.Name.Length)
            {
                throw new ArgumentException($"Channel name '{channel.Name}' must be 1-7 ASCII characters.", nameof(channels));
            }
        }
    }

    /// <summary>channelDefArray.</summary>
    public IReadOnlyList<ChannelDefinition> Channels { get; }

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(UserDataBlock.ClientNetwork);
        writer.WriteUInt16((ushort)(UserDataBlock.HeaderLength + 4 + (Channels.Count * ChannelDefinition.EncodedLength)));
        writer.WriteUInt32((uint)Channels.Count);
        foreach (ChannelDefinition channel in Channels)
        {
            Span<byte> name = writer.Reserve(8);
            Encoding.ASCII.GetBytes(channel.Name, name);
            writer.WriteUInt32(channel.Options);
        }
    }
}
