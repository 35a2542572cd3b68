namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.4.1] Channel Definition Structure (CHANNEL_DEF): an 8-byte ANSI name and options.</summary>
public readonly record struct ChannelDefinition(string Name, uint Options)
{
    /// <summary>name (8) + options (4).</summary>
    public const int EncodedLength = 8 + 4;

    /// <summary>CHANNEL_OPTION_INITIALIZED.</summary>
    public const uint OptionInitialized = 0x80000000;
}
