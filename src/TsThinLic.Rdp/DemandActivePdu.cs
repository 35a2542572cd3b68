using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.13.1.1] Demand Active PDU Data (TS_DEMAND_ACTIVE_PDU): what a server sends once licensing ended
/// well, opening the capabilities exchange: shareId, the source descriptor, the server's capability sets and its
/// session ID.
/// </summary>
public sealed class DemandActivePdu
{
    /// <summary>The most bytes of sourceDescriptor read.</summary>
    public const int MaxSourceDescriptorLength = 256;

    public DemandActivePdu(ushort source, uint shareId, string sourceDescriptor, IReadOnlyList<CapabilitySet> capabilities, uint sessionId)
    {
        ArgumentNullException.ThrowIfNull(sourceDescriptor);
        ArgumentNullException.ThrowIfNull(capabilities);
        Source = source;
        ShareId = shareId;
        SourceDescriptor = sourceDescriptor;
        Capabilities = capabilities;
        SessionId = sessionId;
    }

    /// <summary>pduSource of the Share Control Header: the server's MCS channel.</summary>
    public ushort Source { get; }

    /// <summary>shareId.</summary>
    public uint ShareId { get; }

    /// <summary>sourceDescriptor (ANSI, written with its terminating NUL; "RDP" on Windows).</summary>
    public string SourceDescriptor { get; }

    /// <summary>capabilitySets, in order.</summary>
    public IReadOnlyList<CapabilitySet> Capabilities { get; }

    /// <summary>sessionId.</summary>
    public uint SessionId { get; }

    /// <summary>
    /// The capability sets a server that stops at the capabilities exchange announces, as the spec's field
    /// descriptions give a Windows server's values: General, Bitmap (<paramref name="width"/> × <paramref name="height"/>,
    /// 24 bpp), Order (no orders), Pointer, Input, VirtualChannel, Share (<paramref name="serverChannelId"/>), Font and
    /// MultifragmentUpdate.
    /// </summary>
    public static IReadOnlyList<CapabilitySet> ServerCapabilities(ushort serverChannelId, ushort width, ushort height)
    {
        var general = new RdpWriter(20);
        general.WriteUInt16(1); // osMajorType: OSMAJORTYPE_WINDOWS
        general.WriteUInt16(3); // osMinorType: OSMINORTYPE_WINDOWS_NT
        general.WriteUInt16(0x0200); // protocolVersion: TS_CAPS_PROTOCOLVERSION
        general.WriteUInt16(0); // pad2octetsA
        general.WriteUInt16(0); // generalCompressionTypes
        general.WriteUInt16(0x0001 | 0x0004 | 0x0400); // extraFlags: FASTPATH_OUTPUT_SUPPORTED, LONG_CREDENTIALS_SUPPORTED, NO_BITMAP_COMPRESSION_HDR
        general.WriteUInt16(0); // updateCapabilityFlag
        general.WriteUInt16(0); // remoteUnshareFlag
        general.WriteUInt16(0); // generalCompressionLevel
        general.WriteByte(1); // refreshRectSupport
        general.WriteByte(1); // suppressOutputSupport

        var bitmap = new RdpWriter(24);
        bitmap.WriteUInt16(24); // preferredBitsPerPixel
        bitmap.WriteUInt16(1); // receive1BitPerPixel
        bitmap.WriteUInt16(1); // receive4BitsPerPixel
        bitmap.WriteUInt16(1); // receive8BitsPerPixel
        bitmap.WriteUInt16(width); // desktopWidth
        bitmap.WriteUInt16(height); // desktopHeight
        bitmap.WriteUInt16(0); // pad2octets
        bitmap.WriteUInt16(1); // desktopResizeFlag
        bitmap.WriteUInt16(1); // bitmapCompressionFlag
        bitmap.WriteByte(0); // highColorFlags
        bitmap.WriteByte(0); // drawingFlags
        bitmap.WriteUInt16(1); // multipleRectangleSupport
        bitmap.WriteUInt16(0); // pad2octetsB

        var order = new RdpWriter(84);
        order.WriteZeros(16); // terminalDescriptor
        order.WriteUInt32(0); // pad4octetsA
        order.WriteUInt16(1); // desktopSaveXGranularity
        order.WriteUInt16(20); // desktopSaveYGranularity
        order.WriteUInt16(0); // pad2octetsA
        order.WriteUInt16(1); // maximumOrderLevel: ORD_LEVEL_1_ORDERS
        order.WriteUInt16(0); // numberFonts
        order.WriteUInt16(0x0002 | 0x0008); // orderFlags: NEGOTIATEORDERSUPPORT, ZEROBOUNDSDELTASSUPPORT
        order.WriteZeros(32); // orderSupport: no drawing orders
        order.WriteUInt16(0); // textFlags
        order.WriteUInt16(0); // orderSupportExFlags
        order.WriteUInt32(0); // pad4octetsB
        order.WriteUInt32(480 * 480); // desktopSaveSize
        order.WriteUInt16(0); // pad2octetsC
        order.WriteUInt16(0); // pad2octetsD
        order.WriteUInt16(0); // textANSICodePage
        order.WriteUInt16(0); // pad2octetsE

        var pointer = new RdpWriter(6);
        pointer.WriteUInt16(1); // colorPointerFlag
        pointer.WriteUInt16(25); // colorPointerCacheSize
        pointer.WriteUInt16(25); // pointerCacheSize

        var input = new RdpWriter(84);
        input.WriteUInt16(0x0001 | 0x0004 | 0x0010 | 0x0020); // inputFlags: SCANCODES, MOUSEX, UNICODE, FASTPATH_INPUT2
        input.WriteUInt16(0); // pad2octetsA
        input.WriteUInt32(0); // keyboardLayout
        input.WriteUInt32(0); // keyboardType
        input.WriteUInt32(0); // keyboardSubType
        input.WriteUInt32(0); // keyboardFunctionKey
        input.WriteZeros(64); // imeFileName

        var virtualChannel = new RdpWriter(8);
        virtualChannel.WriteUInt32(0); // flags: VCCAPS_NO_COMPR
        virtualChannel.WriteUInt32(1600); // VCChunkSize: CHANNEL_CHUNK_LENGTH

        var share = new RdpWriter(4);
        share.WriteUInt16(serverChannelId); // nodeId
        share.WriteUInt16(0); // pad2octets

        var font = new RdpWriter(4);
        font.WriteUInt16(0x0001); // fontSupportFlags: FONTSUPPORT_FONTLIST
        font.WriteUInt16(0); // pad2octets

        var multifragment = new RdpWriter(4);
        multifragment.WriteUInt32(0x003F0000); // MaxRequestSize

        return
        [
            new(CapabilitySet.General, general.ToArray()),
            new(CapabilitySet.Bitmap, bitmap.ToArray()),
            new(CapabilitySet.Order, order.ToArray()),
            new(CapabilitySet.Pointer, pointer.ToArray()),
            new(CapabilitySet.Input, input.ToArray()),
            new(CapabilitySet.VirtualChannel, virtualChannel.ToArray()),
            new(CapabilitySet.Share, share.ToArray()),
            new(CapabilitySet.Font, font.ToArray()),
            new(CapabilitySet.MultifragmentUpdate, multifragment.ToArray()),
        ];
    }

    /// <summary>The PDU: Share Control Header, then the Demand Active fields.</summary>
    public byte[] ToArray()
    {
        byte[] descriptor = Encoding.ASCII.GetBytes(SourceDescriptor + "\0");
        var capabilities = new RdpWriter(512);
        foreach (CapabilitySet set in Capabilities)
        {
            set.Write(capabilities);
        }

        int combined = 2 /* numberCapabilities */ + 2 /* pad2Octets */ + capabilities.Length;
        int total = ShareControlHeader.Length + 4 /* shareId */ + 2 /* lengthSourceDescriptor */ + 2 /* lengthCombinedCapabilities */
            + descriptor.Length + combined + 4 /* sessionId */;
        var writer = new RdpWriter(total);
        ShareControlHeader.Create(total, SharePduType.DemandActive, Source).Write(writer);
        writer.WriteUInt32(ShareId);
        writer.WriteUInt16((ushort)descriptor.Length);
        writer.WriteUInt16((ushort)combined);
        writer.WriteBytes(descriptor);
        writer.WriteUInt16((ushort)Capabilities.Count);
        writer.WriteUInt16(0); // pad2Octets
        writer.WriteBytes(capabilities.WrittenSpan);
        writer.WriteUInt32(SessionId);
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes the PDU (Share Control Header first, no security header). sessionId may be missing (RDP 4.0 servers);
    /// lengthCombinedCapabilities bounds the capability sets.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out DemandActivePdu? pdu, out DecodeError error)
    {
        pdu = null;
        if (!ShareControlHeader.TryDecodePdu(data.Span, 0, out ShareControlHeader header, out error))
        {
            return false;
        }

        if (header.Kind != SharePduType.DemandActive)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType", 2, $"type {header.Type} is not PDUTYPE_DEMANDACTIVEPDU");
            return false;
        }

        if (!TryReadActiveFields(data[..header.TotalLength], ShareControlHeader.Length, hasOriginator: false, out ActiveFields fields, out error))
        {
            return false;
        }

        var reader = new RdpReader(data.Span[..header.TotalLength], 0);
        reader.TrySkip("capabilities", fields.End);
        uint sessionId = reader.Remaining >= 4 && reader.TryReadUInt32("sessionId", out uint id) ? id : 0;
        pdu = new DemandActivePdu(header.PduSource, fields.ShareId, fields.SourceDescriptor, fields.Capabilities, sessionId);
        return true;
    }

    /// <summary>
    /// The fields a Demand Active and a Confirm Active share, read from <paramref name="start"/>: shareId,
    /// originatorId (Confirm Active only), lengthSourceDescriptor, lengthCombinedCapabilities, sourceDescriptor,
    /// numberCapabilities, pad2Octets and the capability sets.
    /// </summary>
    internal static bool TryReadActiveFields(ReadOnlyMemory<byte> pdu, int start, bool hasOriginator, out ActiveFields fields, out DecodeError error)
    {
        fields = default;
        var reader = new RdpReader(pdu.Span, 0);
        reader.TrySkip("shareControlHeader", start);
        ushort originator = 0;
        if (!reader.TryReadUInt32("shareId", out uint shareId) || (hasOriginator && !reader.TryReadUInt16("originatorId", out originator))
            || !reader.TryReadUInt16("lengthSourceDescriptor", out ushort descriptorLength))
        {
            error = reader.Error;
            return false;
        }

        int combinedOffset = reader.Offset;
        if (!reader.TryReadUInt16("lengthCombinedCapabilities", out ushort combined))
        {
            error = reader.Error;
            return false;
        }

        if (descriptorLength > MaxSourceDescriptorLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "lengthSourceDescriptor", combinedOffset - 2, $"declares {descriptorLength}, the maximum is {MaxSourceDescriptorLength}");
            return false;
        }

        if (!reader.TryReadBytes("sourceDescriptor", descriptorLength, out ReadOnlySpan<byte> descriptor))
        {
            error = reader.Error;
            return false;
        }

        if (combined < 4 || combined > reader.Remaining)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "lengthCombinedCapabilities", combinedOffset, $"declares {combined}, {reader.Remaining} remain");
            return false;
        }

        reader.TryReadUInt16("numberCapabilities", out ushort count);
        reader.TrySkip("pad2Octets", 2);
        int setsOffset = reader.Offset;
        if (!CapabilitySet.TryReadAll(pdu.Slice(setsOffset, combined - 4), count, setsOffset, out IReadOnlyList<CapabilitySet>? sets, out error))
        {
            return false;
        }

        int end = descriptor.IndexOf((byte)0);
        string text = Encoding.ASCII.GetString(end < 0 ? descriptor : descriptor[..end]);
        fields = new ActiveFields(shareId, originator, text, sets, setsOffset + combined - 4);
        error = default;
        return true;
    }

    /// <summary>What <see cref="TryReadActiveFields"/> read; <see cref="End"/> is the offset after the capability sets.</summary>
    internal readonly record struct ActiveFields(uint ShareId, ushort Originator, string SourceDescriptor, IReadOnlyList<CapabilitySet> Capabilities, int End);
}
