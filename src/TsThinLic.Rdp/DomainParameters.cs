namespace TsThinLic.Rdp;

/// <summary>[T125] 7 DomainParameters, BER SEQUENCE of eight INTEGERs ([MS-RDPBCGR 2.2.1.3]).</summary>
public readonly record struct DomainParameters(
    uint MaxChannelIds,
    uint MaxUserIds,
    uint MaxTokenIds,
    uint NumPriorities,
    uint MinThroughput,
    uint MaxHeight,
    uint MaxMcsPduSize,
    uint ProtocolVersion)
{
    /// <summary>targetParameters as [MS-RDPBCGR 4.1.3] sends them.</summary>
    public static DomainParameters Target => new(34, 2, 0, 1, 0, 1, 0xFFFF, 2);

    /// <summary>minimumParameters as [MS-RDPBCGR 4.1.3] sends them.</summary>
    public static DomainParameters Minimum => new(1, 1, 1, 1, 0, 1, 0x420, 2);

    /// <summary>maximumParameters as [MS-RDPBCGR 4.1.3] sends them.</summary>
    public static DomainParameters Maximum => new(0xFFFF, 0xFC17, 0xFFFF, 1, 0, 1, 0xFFFF, 2);

    internal void Write(RdpWriter writer)
    {
        var content = new RdpWriter(32);
        BerWriter.WriteInteger(content, MaxChannelIds);
        BerWriter.WriteInteger(content, MaxUserIds);
        BerWriter.WriteInteger(content, MaxTokenIds);
        BerWriter.WriteInteger(content, NumPriorities);
        BerWriter.WriteInteger(content, MinThroughput);
        BerWriter.WriteInteger(content, MaxHeight);
        BerWriter.WriteInteger(content, MaxMcsPduSize);
        BerWriter.WriteInteger(content, ProtocolVersion);
        BerWriter.WriteTagged(writer, BerWriter.TagSequence, content.WrittenSpan);
    }

    internal static bool TryRead(ref RdpReader reader, string field, out DomainParameters parameters)
    {
        parameters = default;
        if (!reader.TryExpectBerTag(field, BerWriter.TagSequence) || !reader.TryReadBerLength(field, out int length))
        {
            return false;
        }

        int end = reader.Position + length;
        if (!reader.TryReadBerInteger("maxChannelIds", out uint a) || !reader.TryReadBerInteger("maxUserIds", out uint b)
            || !reader.TryReadBerInteger("maxTokenIds", out uint c) || !reader.TryReadBerInteger("numPriorities", out uint d)
            || !reader.TryReadBerInteger("minThroughput", out uint e) || !reader.TryReadBerInteger("maxHeight", out uint f)
            || !reader.TryReadBerInteger("maxMCSPDUsize", out uint g) || !reader.TryReadBerInteger("protocolVersion", out uint h))
        {
            return false;
        }

        if (reader.Position != end)
        {
            return reader.Fail(Pdu.DecodeErrorKind.LengthOutOfRange, field, "the SEQUENCE length does not match its eight INTEGERs");
        }

        parameters = new DomainParameters(a, b, c, d, e, f, g, h);
        return true;
    }
}
