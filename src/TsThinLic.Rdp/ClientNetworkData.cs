using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.4] Client Network Data (TS_UD_CS_NET): the static virtual channels the client asks for.</summary>
public sealed class ClientNetworkData
{
    /// <summary>Channels the server may have to allocate ([MS-RDPBCGR] allows at most 31).</summary>
    public const int MaxChannels = 31;

    public ClientNetworkData(IReadOnlyList<ChannelDefinition>? channels = null)
        : this(channels, validate: true)
    {
    }

    private ClientNetworkData(IReadOnlyList<ChannelDefinition>? channels, bool validate)
    {
        Channels = channels ?? [];
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Channels.Count, MaxChannels, nameof(channels));
        if (!validate)
        {
            // Decoded names are what the client sent, non-ASCII bytes included; they are only read back, never written.
            return;
        }

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

    /// <summary>
    /// Decodes a CS_NET block's data (after its header): channelCount (at most <see cref="MaxChannels"/>, and room for
    /// each) and the channel definitions; a name is the ANSI text before its first NUL.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ClientNetworkData? network, out DecodeError error)
    {
        network = null;
        var reader = new RdpReader(data, baseOffset);
        int countOffset = reader.Offset;
        if (!reader.TryReadUInt32("channelCount", out uint count))
        {
            error = reader.Error;
            return false;
        }

        if (count > MaxChannels || count * ChannelDefinition.EncodedLength > reader.Remaining)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "channelCount", countOffset, $"declares {count}, room for {reader.Remaining / ChannelDefinition.EncodedLength} (maximum {MaxChannels})");
            return false;
        }

        var channels = new ChannelDefinition[count];
        for (int i = 0; i < count; i++)
        {
            reader.TryReadBytes("name", 8, out ReadOnlySpan<byte> name);
            reader.TryReadUInt32("options", out uint options);
            int end = name.IndexOf((byte)0);
            string text = Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
            channels[i] = new ChannelDefinition(text.Length == 0 ? "?" : text, options);
        }

        network = new ClientNetworkData(channels, validate: false);
        error = default;
        return true;
    }
}
