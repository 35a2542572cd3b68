using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.4.2] Server Core Data (TS_UD_SC_CORE).</summary>
public sealed class ServerCoreData
{
    public ServerCoreData(uint version, uint? clientRequestedProtocols = null, uint? earlyCapabilityFlags = null)
    {
        Version = version;
        ClientRequestedProtocols = clientRequestedProtocols;
        EarlyCapabilityFlags = earlyCapabilityFlags;
    }

    /// <summary>version: the server's RDP version (see <see cref="RdpSpecNames.ServerVersion"/>).</summary>
    public uint Version { get; }

    /// <summary>clientRequestedProtocols (optional): the requestedProtocols the server saw.</summary>
    public uint? ClientRequestedProtocols { get; }

    /// <summary>earlyCapabilityFlags (optional).</summary>
    public uint? EarlyCapabilityFlags { get; }

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(UserDataBlock.ServerCore);
        writer.WriteUInt16((ushort)(UserDataBlock.HeaderLength + 4 + (ClientRequestedProtocols is null ? 0 : 4) + (EarlyCapabilityFlags is null ? 0 : 4)));
        writer.WriteUInt32(Version);
        if (ClientRequestedProtocols is { } requested)
        {
            writer.WriteUInt32(requested);
            if (EarlyCapabilityFlags is { } flags)
            {
                writer.WriteUInt32(flags);
            }
        }
    }

    /// <summary>Decodes an SC_CORE block's data (after its header).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ServerCoreData? core, out DecodeError error)
    {
        core = null;
        var reader = new RdpReader(data, baseOffset);
        if (!reader.TryReadUInt32("version", out uint version))
        {
            error = reader.Error;
            return false;
        }

        uint? requested = reader.Remaining >= 4 && reader.TryReadUInt32("clientRequestedProtocols", out uint r) ? r : null;
        uint? flags = reader.Remaining >= 4 && reader.TryReadUInt32("earlyCapabilityFlags", out uint f) ? f : null;
        core = new ServerCoreData(version, requested, flags);
        error = default;
        return true;
    }
}
