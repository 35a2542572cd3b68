using System.Buffers.Binary;
using System.IO.Hashing;

namespace TsThinLic.Storage;

/// <summary>
/// The envelope around one complete snapshot, shared by the flash slots and the store file (hardware/flash-layout-*.md,
/// "Envelope"): header, payload, then a commit marker in its own program unit, programmed last. A reader trusts an
/// envelope only when the magic, version, lengths, CRC-32 and the marker all check out; a torn or half-erased one is
/// not there. Sequences compare with serial-number arithmetic (RFC 1982), so wrapping past 2^32 keeps the order.
/// </summary>
internal static class StoreEnvelope
{
    /// <summary>"TTLS" (TsThinLic store).</summary>
    public static ReadOnlySpan<byte> Magic => "TTLS"u8;

    /// <summary>"CMIT": the commit marker. Neither the erased value nor a prefix of a torn program of it.</summary>
    public static ReadOnlySpan<byte> CommitMarker => "CMIT"u8;

    public const ushort FormatVersion = 1;
    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int HeaderLengthOffset = 6;
    public const int SequenceOffset = 8;
    public const int PayloadLengthOffset = 12;
    public const int CrcOffset = 16;
    public const int ReservedOffset = 20;
    public const int HeaderLength = 4 /* magic */ + 2 /* format version */ + 2 /* header length */ + 4 /* sequence */ + 4 /* payload length */ + 4 /* CRC-32 */ + 4 /* reserved */;
    public const int CommitMarkerLength = 4;

    /// <summary>The largest payload any envelope carries (16 CALs of 64 KiB and their keys).</summary>
    public const int MaxPayloadLength = 1 << 21;

    /// <summary>Whether sequence <paramref name="a"/> is newer than <paramref name="b"/> (RFC 1982 serial arithmetic).</summary>
    public static bool IsNewer(uint a, uint b) => a != b && (int)(a - b) > 0;

    /// <summary>Offset of the commit marker for a payload of this length: the next program unit after the payload.</summary>
    public static int MarkerOffset(int payloadLength, int programUnit) => AlignUp(HeaderLength + payloadLength, programUnit);

    /// <summary>The whole envelope's length on a medium with this program unit.</summary>
    public static int TotalLength(int payloadLength, int programUnit) => MarkerOffset(payloadLength, programUnit) + AlignUp(CommitMarkerLength, programUnit);

    public static int AlignUp(int value, int unit) => (value + unit - 1) / unit * unit;

    /// <summary>Header and payload, padded with the erased value up to the marker's program unit.</summary>
    public static byte[] BuildBody(uint sequence, ReadOnlySpan<byte> payload, int programUnit, byte erasedValue = 0xFF)
    {
        byte[] body = new byte[MarkerOffset(payload.Length, programUnit)];
        body.AsSpan().Fill(erasedValue);
        Magic.CopyTo(body.AsSpan(MagicOffset));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(VersionOffset), FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(HeaderLengthOffset), HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(SequenceOffset), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(PayloadLengthOffset), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(ReservedOffset), 0);
        payload.CopyTo(body.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(CrcOffset), Crc(body.AsSpan(0, CrcOffset), payload));
        return body;
    }

    /// <summary>The commit marker's program unit.</summary>
    public static byte[] BuildMarker(int programUnit, byte erasedValue = 0xFF)
    {
        byte[] marker = new byte[AlignUp(CommitMarkerLength, programUnit)];
        marker.AsSpan().Fill(erasedValue);
        CommitMarker.CopyTo(marker);
        return marker;
    }

    /// <summary>The whole envelope as one buffer (the file store writes it in one go).</summary>
    public static byte[] Build(uint sequence, ReadOnlySpan<byte> payload)
    {
        byte[] body = BuildBody(sequence, payload, 1);
        byte[] whole = new byte[body.Length + CommitMarkerLength];
        body.CopyTo(whole, 0);
        CommitMarker.CopyTo(whole.AsSpan(body.Length));
        return whole;
    }

    /// <summary>
    /// Reads the envelope at the start of <paramref name="region"/>. <see cref="EnvelopeState.Blank"/> when its header is
    /// still erased (nothing was ever started there); <see cref="EnvelopeState.Invalid"/> with a reason when anything fails.
    /// </summary>
    public static EnvelopeState TryRead(ReadOnlySpan<byte> region, int programUnit, out uint sequence, out byte[] payload, out string reason, byte erasedValue = 0xFF)
    {
        sequence = 0;
        payload = [];
        reason = string.Empty;
        if (region.Length >= HeaderLength && !region[..HeaderLength].ContainsAnyExcept(erasedValue))
        {
            return EnvelopeState.Blank;
        }

        if (region.Length < HeaderLength)
        {
            reason = $"envelope: header truncated ({region.Length} of {HeaderLength} bytes)";
            return EnvelopeState.Invalid;
        }

        if (!region[..Magic.Length].SequenceEqual(Magic))
        {
            reason = $"envelope: magic at offset {MagicOffset} is {Convert.ToHexStringLower(region[..4])}, not {Convert.ToHexStringLower(Magic)}";
            return EnvelopeState.Invalid;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(region[VersionOffset..]);
        ushort headerLength = BinaryPrimitives.ReadUInt16LittleEndian(region[HeaderLengthOffset..]);
        if (version != FormatVersion || headerLength != HeaderLength)
        {
            reason = $"envelope: format version {version} / header length {headerLength} at offset {VersionOffset} is not {FormatVersion} / {HeaderLength}";
            return EnvelopeState.Invalid;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(region[PayloadLengthOffset..]);
        if (length > MaxPayloadLength || TotalLength((int)length, programUnit) > region.Length)
        {
            reason = $"envelope: payload length {length} at offset {PayloadLengthOffset} does not fit the {region.Length}-byte region";
            return EnvelopeState.Invalid;
        }

        int markerOffset = MarkerOffset((int)length, programUnit);
        if (!region.Slice(markerOffset, CommitMarkerLength).SequenceEqual(CommitMarker))
        {
            reason = $"envelope: no commit marker at offset {markerOffset} (an interrupted write)";
            return EnvelopeState.Invalid;
        }

        ReadOnlySpan<byte> body = region.Slice(HeaderLength, (int)length);
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(region[CrcOffset..]);
        uint actual = Crc(region[..CrcOffset], body);
        if (expected != actual)
        {
            reason = $"envelope: CRC-32 at offset {CrcOffset} is 0x{expected:x8}, the content gives 0x{actual:x8}";
            return EnvelopeState.Invalid;
        }

        sequence = BinaryPrimitives.ReadUInt32LittleEndian(region[SequenceOffset..]);
        payload = body.ToArray();
        return EnvelopeState.Valid;
    }

    /// <summary>
    /// The payload bytes of an envelope that failed its checks, read as far as the header still says (a field engineer's
    /// last resort: <c>show --image</c>, <c>import --salvage</c>): the CRC-32 and the commit marker are not required, and
    /// a payload length that does not fit is taken as "to the end of the region". False when the region cannot hold a
    /// header or does not start with the magic.
    /// </summary>
    public static bool TrySalvagePayload(ReadOnlySpan<byte> region, out uint sequence, out ReadOnlySpan<byte> payload)
    {
        sequence = 0;
        payload = default;
        if (region.Length <= HeaderLength || !region[..Magic.Length].SequenceEqual(Magic))
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt32LittleEndian(region[SequenceOffset..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(region[PayloadLengthOffset..]);
        int available = Math.Min(region.Length - HeaderLength, MaxPayloadLength);
        payload = region.Slice(HeaderLength, length <= available ? (int)length : available);
        return true;
    }

    /// <summary>
    /// Whether an envelope that <see cref="TryRead"/> found invalid is only a write that never completed, so no committed
    /// state is lost with it: the header was programmed (or a prefix of it, the rest still erased) and the commit marker
    /// is absent or a torn prefix of itself followed by erased bytes. A committed envelope damaged later (a flipped bit,
    /// an overwrite) does not look like that.
    /// </summary>
    public static bool IsUncommittedWrite(ReadOnlySpan<byte> region, int programUnit, byte erasedValue = 0xFF)
    {
        if (region.Length < HeaderLength)
        {
            return false;
        }

        ReadOnlySpan<byte> header = region[..HeaderLength];
        int programmed = header.LastIndexOfAnyExcept(erasedValue) + 1;
        if (programmed < HeaderLength)
        {
            // A torn header: a prefix of "TTLS…" then erased cells, and nothing programmed after it.
            int magic = Math.Min(programmed, Magic.Length);
            return header[..magic].SequenceEqual(Magic[..magic]) && !region[HeaderLength..Math.Min(region.Length, HeaderLength + programUnit)].ContainsAnyExcept(erasedValue);
        }

        if (!header[..Magic.Length].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]) != FormatVersion
            || BinaryPrimitives.ReadUInt16LittleEndian(header[HeaderLengthOffset..]) != HeaderLength)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[PayloadLengthOffset..]);
        if (length > MaxPayloadLength || TotalLength((int)length, programUnit) > region.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> marker = region.Slice(MarkerOffset((int)length, programUnit), CommitMarkerLength);
        int landed = marker.IndexOf(erasedValue) is var first and >= 0 ? first : marker.Length;
        return landed < CommitMarkerLength && marker[..landed].SequenceEqual(CommitMarker[..landed]) && !marker[landed..].ContainsAnyExcept(erasedValue);
    }

    private static uint Crc(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        // CRC-32 (IEEE 802.3, the zlib/PNG polynomial) over the header fields before it and the whole payload.
        var crc = new Crc32();
        crc.Append(header);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}
