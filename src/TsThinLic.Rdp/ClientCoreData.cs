using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.2] Client Core Data (TS_UD_CS_CORE), written through serverSelectedProtocol.</summary>
public sealed class ClientCoreData
{
    /// <summary>RDP 5.0 through 8.1 (0x00080004): what a client that stops after licensing claims.</summary>
    public const uint VersionRdp5 = 0x00080004;

    /// <summary>RNS_UD_COLOR_8BPP.</summary>
    public const ushort ColorDepth8Bpp = 0xCA01;

    /// <summary>RNS_UD_SAS_DEL.</summary>
    public const ushort SasDel = 0xAA03;

    /// <summary>Length through serverSelectedProtocol, header included.</summary>
    public const int EncodedLength = UserDataBlock.HeaderLength + 4 /* version */ + 2 /* desktopWidth */ + 2 /* desktopHeight */
        + 2 /* colorDepth */ + 2 /* SASSequence */ + 4 /* keyboardLayout */ + 4 /* clientBuild */ + 32 /* clientName */
        + 4 /* keyboardType */ + 4 /* keyboardSubType */ + 4 /* keyboardFunctionKey */ + 64 /* imeFileName */
        + 2 /* postBeta2ColorDepth */ + 2 /* clientProductId */ + 4 /* serialNumber */ + 2 /* highColorDepth */
        + 2 /* supportedColorDepths */ + 2 /* earlyCapabilityFlags */ + 64 /* clientDigProductId */
        + 1 /* connectionType */ + 1 /* pad1octet */ + 4 /* serverSelectedProtocol */;

    /// <summary>version.</summary>
    public uint Version { get; init; } = VersionRdp5;

    /// <summary>desktopWidth.</summary>
    public ushort DesktopWidth { get; init; } = 1024;

    /// <summary>desktopHeight.</summary>
    public ushort DesktopHeight { get; init; } = 768;

    /// <summary>keyboardLayout (0x409 = US English).</summary>
    public uint KeyboardLayout { get; init; } = 0x00000409;

    /// <summary>clientBuild.</summary>
    public uint ClientBuild { get; init; } = 2600;

    /// <summary>clientName (up to 15 characters).</summary>
    public string ClientName { get; init; } = "thinclient";

    /// <summary>keyboardType (4 = IBM enhanced 101/102).</summary>
    public uint KeyboardType { get; init; } = 4;

    /// <summary>keyboardFunctionKey.</summary>
    public uint KeyboardFunctionKey { get; init; } = 12;

    /// <summary>highColorDepth (HIGH_COLOR_16BPP = 0x10).</summary>
    public ushort HighColorDepth { get; init; } = 0x0010;

    /// <summary>supportedColorDepths (RNS_UD_15BPP_SUPPORT | RNS_UD_16BPP_SUPPORT | RNS_UD_24BPP_SUPPORT = 0x0007).</summary>
    public ushort SupportedColorDepths { get; init; } = 0x0007;

    /// <summary>earlyCapabilityFlags (RNS_UD_CS_SUPPORT_ERRINFO_PDU = 0x0001).</summary>
    public ushort EarlyCapabilityFlags { get; init; } = 0x0001;

    /// <summary>serverSelectedProtocol: the protocol the server chose in its X.224 Connection Confirm.</summary>
    public NegotiationProtocols ServerSelectedProtocol { get; init; }

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(UserDataBlock.ClientCore);
        writer.WriteUInt16(EncodedLength);
        writer.WriteUInt32(Version);
        writer.WriteUInt16(DesktopWidth);
        writer.WriteUInt16(DesktopHeight);
        writer.WriteUInt16(ColorDepth8Bpp);
        writer.WriteUInt16(SasDel);
        writer.WriteUInt32(KeyboardLayout);
        writer.WriteUInt32(ClientBuild);
        writer.WriteFixedUnicode(ClientName, 32);
        writer.WriteUInt32(KeyboardType);
        writer.WriteUInt32(0); // keyboardSubType
        writer.WriteUInt32(KeyboardFunctionKey);
        writer.WriteZeros(64); // imeFileName
        writer.WriteUInt16(ColorDepth8Bpp); // postBeta2ColorDepth
        writer.WriteUInt16(1); // clientProductId
        writer.WriteUInt32(0); // serialNumber
        writer.WriteUInt16(HighColorDepth);
        writer.WriteUInt16(SupportedColorDepths);
        writer.WriteUInt16(EarlyCapabilityFlags);
        writer.WriteZeros(64); // clientDigProductId
        writer.WriteByte(0); // connectionType
        writer.WriteByte(0); // pad1octet
        writer.WriteUInt32((uint)ServerSelectedProtocol);
    }

    /// <summary>Reads the fields this class models from a CS_CORE block's data (after the header); later optional fields are ignored.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out ClientCoreData? core, out DecodeError error)
    {
        core = null;
        var reader = new RdpReader(data, UserDataBlock.HeaderLength);
        if (!reader.TryReadUInt32("version", out uint version) || !reader.TryReadUInt16("desktopWidth", out ushort width)
            || !reader.TryReadUInt16("desktopHeight", out ushort height) || !reader.TrySkip("colorDepth", 2) || !reader.TrySkip("SASSequence", 2)
            || !reader.TryReadUInt32("keyboardLayout", out uint layout) || !reader.TryReadUInt32("clientBuild", out uint build)
            || !reader.TryReadBytes("clientName", 32, out ReadOnlySpan<byte> name) || !reader.TryReadUInt32("keyboardType", out uint keyboardType)
            || !reader.TrySkip("keyboardSubType", 4) || !reader.TryReadUInt32("keyboardFunctionKey", out uint functionKeys)
            || !reader.TrySkip("imeFileName", 64))
        {
            error = reader.Error;
            return false;
        }

        ushort highColor = 0, supported = 0, early = 0;
        uint selected = 0;
        if (reader.Remaining >= 2 + 2 + 4 + 2 + 2 + 2)
        {
            reader.TrySkip("postBeta2ColorDepth", 2);
            reader.TrySkip("clientProductId", 2);
            reader.TrySkip("serialNumber", 4);
            reader.TryReadUInt16("highColorDepth", out highColor);
            reader.TryReadUInt16("supportedColorDepths", out supported);
            reader.TryReadUInt16("earlyCapabilityFlags", out early);
            if (reader.Remaining >= 64 + 1 + 1 + 4)
            {
                reader.TrySkip("clientDigProductId", 64);
                reader.TrySkip("connectionType", 1);
                reader.TrySkip("pad1octet", 1);
                reader.TryReadUInt32("serverSelectedProtocol", out selected);
            }
        }

        string clientName = System.Text.Encoding.Unicode.GetString(name).Split('\0')[0];
        core = new ClientCoreData
        {
            Version = version,
            DesktopWidth = width,
            DesktopHeight = height,
            KeyboardLayout = layout,
            ClientBuild = build,
            ClientName = clientName,
            KeyboardType = keyboardType,
            KeyboardFunctionKey = functionKeys,
            HighColorDepth = highColor,
            SupportedColorDepths = supported,
            EarlyCapabilityFlags = early,
            ServerSelectedProtocol = (NegotiationProtocols)selected,
        };
        error = default;
        return true;
    }
}
