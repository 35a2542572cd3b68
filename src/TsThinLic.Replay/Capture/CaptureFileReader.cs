using System.Buffers.Binary;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// Reads the packet records of a classic pcap file (microsecond or nanosecond, either byte order) or a pcapng file
/// (Section Header, Interface Description, Enhanced/Simple/obsolete Packet blocks, and the Decryption Secrets Blocks
/// <c>editcap --inject-secrets</c> writes; every other block is skipped by its length). Sans-I/O: it reads a span the caller loaded. Every length is checked against what remains and a
/// stated maximum; a malformed file gives a <see cref="CaptureError"/> with the offset, never an exception. Packets
/// read before the error are kept, so a capture cut off mid-record still yields what it holds.
/// </summary>
public static class CaptureFileReader
{
    /// <summary>The most packets read from one file.</summary>
    public const int MaxPackets = 1_000_000;

    /// <summary>The largest packet record accepted (the largest snapshot length tcpdump and tshark use).</summary>
    public const int MaxPacketLength = 262_144;

    /// <summary>The largest Decryption Secrets Block accepted (a key log of tens of thousands of connections).</summary>
    public const int MaxSecretsLength = 16 * 1024 * 1024;

    /// <summary>The most Decryption Secrets Blocks read from one file.</summary>
    public const int MaxSecretsBlocks = 1024;

    private const uint PcapMagicMicroseconds = 0xa1b2c3d4;
    private const uint PcapMagicNanoseconds = 0xa1b23c4d;
    private const uint PcapngSectionHeaderBlock = 0x0a0d0d0a;
    private const uint PcapngByteOrderMagic = 0x1a2b3c4d;
    private const int PcapGlobalHeaderLength = 4 /* magic */ + 2 /* version_major */ + 2 /* version_minor */ + 4 /* thiszone */ + 4 /* sigfigs */ + 4 /* snaplen */ + 4 /* network */;
    private const int PcapRecordHeaderLength = 4 /* ts_sec */ + 4 /* ts_usec */ + 4 /* incl_len */ + 4 /* orig_len */;
    private const int MaxInterfaces = 4096;

    /// <summary>Whether the bytes start like a pcap or pcapng file.</summary>
    public static bool IsCaptureFile(ReadOnlySpan<byte> file)
    {
        if (file.Length < 4)
        {
            return false;
        }

        uint le = BinaryPrimitives.ReadUInt32LittleEndian(file);
        uint be = BinaryPrimitives.ReadUInt32BigEndian(file);
        return le is PcapMagicMicroseconds or PcapMagicNanoseconds or PcapngSectionHeaderBlock
            || be is PcapMagicMicroseconds or PcapMagicNanoseconds;
    }

    /// <summary>
    /// Reads every packet record. False with <paramref name="error"/> when the file is not a capture or is malformed
    /// at some offset; <paramref name="frames"/> then holds the records before that offset.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> file, out IReadOnlyList<CapturedFrame> frames, out CaptureError error)
        => TryRead(file, out frames, out _, out error);

    /// <summary>
    /// Reads every packet record and every pcapng Decryption Secrets Block (in file order). False with
    /// <paramref name="error"/> as <see cref="TryRead(ReadOnlyMemory{byte}, out IReadOnlyList{CapturedFrame}, out CaptureError)"/>.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> file, out IReadOnlyList<CapturedFrame> frames, out IReadOnlyList<CapturedSecrets> secrets, out CaptureError error)
    {
        var list = new List<CapturedFrame>();
        var secretsList = new List<CapturedSecrets>();
        frames = list;
        secrets = secretsList;
        ReadOnlySpan<byte> span = file.Span;
        if (span.Length < 4)
        {
            error = new CaptureError(CaptureErrorKind.Truncated, "magic number", 0, $"the file is {span.Length} bytes");
            return false;
        }

        uint magicLe = BinaryPrimitives.ReadUInt32LittleEndian(span);
        uint magicBe = BinaryPrimitives.ReadUInt32BigEndian(span);
        if (magicLe == PcapngSectionHeaderBlock)
        {
            return TryReadPcapng(file, list, secretsList, out error);
        }

        if (magicLe is PcapMagicMicroseconds or PcapMagicNanoseconds)
        {
            return TryReadPcap(file, littleEndian: true, nanoseconds: magicLe == PcapMagicNanoseconds, list, out error);
        }

        if (magicBe is PcapMagicMicroseconds or PcapMagicNanoseconds)
        {
            return TryReadPcap(file, littleEndian: false, nanoseconds: magicBe == PcapMagicNanoseconds, list, out error);
        }

        error = new CaptureError(CaptureErrorKind.UnknownFormat, "magic number", 0, $"0x{magicBe:x8} is neither pcap nor pcapng");
        return false;
    }

    private static bool TryReadPcap(ReadOnlyMemory<byte> file, bool littleEndian, bool nanoseconds, List<CapturedFrame> frames, out CaptureError error)
    {
        ReadOnlySpan<byte> span = file.Span;
        if (span.Length < PcapGlobalHeaderLength)
        {
            error = new CaptureError(CaptureErrorKind.Truncated, "pcap global header", 0, $"{PcapGlobalHeaderLength} bytes needed, {span.Length} present");
            return false;
        }

        int linkType = (int)(Read32(span[20..], littleEndian) & 0x0fffffff);
        long offset = PcapGlobalHeaderLength;
        while (offset < span.Length)
        {
            if (span.Length - offset < PcapRecordHeaderLength)
            {
                error = new CaptureError(CaptureErrorKind.Truncated, "pcap record header", offset, $"{span.Length - offset} bytes remain");
                return false;
            }

            ReadOnlySpan<byte> header = span.Slice((int)offset, PcapRecordHeaderLength);
            uint seconds = Read32(header, littleEndian);
            uint fraction = Read32(header[4..], littleEndian);
            uint included = Read32(header[8..], littleEndian);
            if (included > MaxPacketLength)
            {
                error = new CaptureError(CaptureErrorKind.LengthOutOfRange, "pcap incl_len", offset + 8, $"{included} bytes, at most {MaxPacketLength}");
                return false;
            }

            long dataOffset = offset + PcapRecordHeaderLength;
            if (span.Length - dataOffset < included)
            {
                error = new CaptureError(CaptureErrorKind.Truncated, "pcap packet data", dataOffset, $"declares {included} bytes, {span.Length - dataOffset} remain");
                return false;
            }

            if (frames.Count >= MaxPackets)
            {
                error = new CaptureError(CaptureErrorKind.LimitExceeded, "pcap record", offset, $"more than {MaxPackets} packets");
                return false;
            }

            long ticks = (seconds * TimeSpan.TicksPerSecond) + (nanoseconds ? fraction / 100 : fraction * 10L);
            frames.Add(new CapturedFrame(frames.Count, ToTimestamp(ticks), linkType, file.Slice((int)dataOffset, (int)included), offset));
            offset = dataOffset + included;
        }

        error = default;
        return true;
    }

    private static bool TryReadPcapng(ReadOnlyMemory<byte> file, List<CapturedFrame> frames, List<CapturedSecrets> secrets, out CaptureError error)
    {
        ReadOnlySpan<byte> span = file.Span;
        var interfaces = new List<(int LinkType, long TicksPerUnitNumerator, long UnitsPerSecond)>();
        bool littleEndian = true;
        long offset = 0;
        while (offset < span.Length)
        {
            if (span.Length - offset < 12)
            {
                error = new CaptureError(CaptureErrorKind.Truncated, "pcapng block header", offset, $"{span.Length - offset} bytes remain");
                return false;
            }

            ReadOnlySpan<byte> at = span[(int)offset..];
            uint blockType = BinaryPrimitives.ReadUInt32LittleEndian(at);
            if (blockType == PcapngSectionHeaderBlock)
            {
                // [pcapng 4.1]: the byte-order magic after the length says how the whole section is written.
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(at[8..]);
                if (magic == PcapngByteOrderMagic)
                {
                    littleEndian = true;
                }
                else if (BinaryPrimitives.ReverseEndianness(magic) == PcapngByteOrderMagic)
                {
                    littleEndian = false;
                }
                else
                {
                    error = new CaptureError(CaptureErrorKind.InvalidValue, "pcapng Byte-Order Magic", offset + 8, $"0x{magic:x8}");
                    return false;
                }

                interfaces.Clear();
            }
            else if (frames.Count == 0 && interfaces.Count == 0 && offset == 0)
            {
                error = new CaptureError(CaptureErrorKind.InvalidValue, "pcapng Section Header Block", 0, "the file does not start with one");
                return false;
            }

            uint totalLength = Read32(at[4..], littleEndian);
            // A Decryption Secrets Block may hold far more than a packet: it has a limit of its own.
            long limit = Read32(at, littleEndian) == 10 ? MaxSecretsLength + 64 : MaxPacketLength + 64;
            if (totalLength < 12 || totalLength % 4 != 0 || totalLength > limit)
            {
                error = new CaptureError(CaptureErrorKind.LengthOutOfRange, "pcapng Block Total Length", offset + 4, $"{totalLength} (a multiple of 4, 12 to {limit})");
                return false;
            }

            if (span.Length - offset < totalLength)
            {
                error = new CaptureError(CaptureErrorKind.Truncated, "pcapng block body", offset, $"declares {totalLength} bytes, {span.Length - offset} remain");
                return false;
            }

            ReadOnlySpan<byte> block = at[..(int)totalLength];
            if (Read32(block[^4..], littleEndian) != totalLength)
            {
                error = new CaptureError(CaptureErrorKind.InvalidValue, "pcapng trailing Block Total Length", offset + totalLength - 4, "differs from the leading one");
                return false;
            }

            ReadOnlySpan<byte> body = block[8..^4];
            switch (Read32(block, littleEndian))
            {
                case 1:
                    // [pcapng 4.2] Interface Description Block: LinkType, reserved, SnapLen, options (if_tsresol).
                    if (body.Length < 8)
                    {
                        error = new CaptureError(CaptureErrorKind.Truncated, "pcapng Interface Description Block", offset, null);
                        return false;
                    }

                    if (interfaces.Count >= MaxInterfaces)
                    {
                        error = new CaptureError(CaptureErrorKind.LimitExceeded, "pcapng Interface Description Block", offset, $"more than {MaxInterfaces} interfaces");
                        return false;
                    }

                    interfaces.Add((Read16(body, littleEndian), 1, ReadResolution(body[8..], littleEndian)));
                    break;

                case 6:
                case 2:
                    {
                        // [pcapng 4.3] Enhanced Packet Block: Interface ID (4), timestamp (8), captured length, original
                        // length, data. [Appendix] obsolete Packet Block: Interface ID (2), drops count (2), same after.
                        bool enhanced = Read32(block, littleEndian) == 6;
                        if (body.Length < 20)
                        {
                            error = new CaptureError(CaptureErrorKind.Truncated, "pcapng Packet Block", offset, null);
                            return false;
                        }

                        int interfaceId = enhanced ? (int)Math.Min(Read32(body, littleEndian), int.MaxValue) : Read16(body, littleEndian);
                        if (interfaceId >= interfaces.Count)
                        {
                            error = new CaptureError(CaptureErrorKind.InvalidValue, "pcapng Interface ID", offset + 8, $"{interfaceId}, {interfaces.Count} interface(s) described");
                            return false;
                        }

                        ulong units = ((ulong)Read32(body[4..], littleEndian) << 32) | Read32(body[8..], littleEndian);
                        uint captured = Read32(body[12..], littleEndian);
                        if (captured > body.Length - 20)
                        {
                            error = new CaptureError(CaptureErrorKind.LengthOutOfRange, "pcapng Captured Packet Length", offset + 20, $"{captured} bytes, the block holds {body.Length - 20}");
                            return false;
                        }

                        if (!TryAdd(frames, file, offset, offset + 28, (int)captured, interfaces[interfaceId].LinkType, ToTicks(units, interfaces[interfaceId].UnitsPerSecond), out error))
                        {
                            return false;
                        }

                        break;
                    }

                case 3:
                    {
                        // [pcapng 4.4] Simple Packet Block: Original Packet Length, then data up to the block's end; interface 0.
                        if (body.Length < 4 || interfaces.Count == 0)
                        {
                            error = new CaptureError(CaptureErrorKind.InvalidValue, "pcapng Simple Packet Block", offset, "no interface 0 or no length");
                            return false;
                        }

                        uint original = Read32(body, littleEndian);
                        int captured = (int)Math.Min(original, (uint)(body.Length - 4));
                        if (!TryAdd(frames, file, offset, offset + 12, captured, interfaces[0].LinkType, 0, out error))
                        {
                            return false;
                        }

                        break;
                    }

                case 10:
                    {
                        // [pcapng 4.7] Decryption Secrets Block: Secrets Type, Secrets Length, Secrets Data padded to 32 bits, options.
                        if (body.Length < 8)
                        {
                            error = new CaptureError(CaptureErrorKind.Truncated, "pcapng Decryption Secrets Block", offset, "no Secrets Type and Length");
                            return false;
                        }

                        uint secretsLength = Read32(body[4..], littleEndian);
                        long padded = (secretsLength + 3L) & ~3L;
                        if (padded > body.Length - 8)
                        {
                            error = new CaptureError(CaptureErrorKind.LengthOutOfRange, "pcapng Secrets Length", offset + 12, $"{secretsLength} bytes, the block holds {body.Length - 8}");
                            return false;
                        }

                        if (secrets.Count >= MaxSecretsBlocks)
                        {
                            error = new CaptureError(CaptureErrorKind.LimitExceeded, "pcapng Decryption Secrets Block", offset, $"more than {MaxSecretsBlocks}");
                            return false;
                        }

                        bool paddingIsZero = !body.Slice(8 + (int)secretsLength, (int)(padded - secretsLength)).ContainsAnyExcept((byte)0);
                        secrets.Add(new CapturedSecrets(Read32(body, littleEndian), file.Slice((int)offset + 16, (int)secretsLength), offset, paddingIsZero));
                        break;
                    }

                default:
                    // Name resolution, statistics, custom and unknown blocks carry no packets: skipped by their length.
                    break;
            }

            offset += totalLength;
        }

        error = default;
        return true;
    }

    private static bool TryAdd(List<CapturedFrame> frames, ReadOnlyMemory<byte> file, long blockOffset, long dataOffset, int length, int linkType, long ticks, out CaptureError error)
    {
        if (frames.Count >= MaxPackets)
        {
            error = new CaptureError(CaptureErrorKind.LimitExceeded, "pcapng packet", blockOffset, $"more than {MaxPackets} packets");
            return false;
        }

        frames.Add(new CapturedFrame(frames.Count, ToTimestamp(ticks), linkType, file.Slice((int)dataOffset, length), blockOffset));
        error = default;
        return true;
    }

    // [pcapng 4.2] if_tsresol (option 9): top bit clear = 10^-n seconds, set = 2^-n; default 10^-6.
    private static long ReadResolution(ReadOnlySpan<byte> options, bool littleEndian)
    {
        long unitsPerSecond = 1_000_000;
        while (options.Length >= 4)
        {
            int code = Read16(options, littleEndian);
            int length = Read16(options[2..], littleEndian);
            int padded = (length + 3) & ~3;
            if (code == 0 || options.Length - 4 < padded)
            {
                break;
            }

            if (code == 9 && length >= 1)
            {
                byte resolution = options[4];
                int exponent = resolution & 0x7f;
                if ((resolution & 0x80) != 0)
                {
                    unitsPerSecond = exponent < 62 ? 1L << exponent : 1L << 62;
                }
                else
                {
                    unitsPerSecond = 1;
                    for (int i = 0; i < Math.Min(exponent, 18); i++)
                    {
                        unitsPerSecond *= 10;
                    }
                }
            }

            options = options[(4 + padded)..];
        }

        return unitsPerSecond;
    }

    private static long ToTicks(ulong units, long unitsPerSecond)
    {
        ulong perSecond = (ulong)unitsPerSecond;
        ulong seconds = units / perSecond;
        ulong remainder = units % perSecond;
        if (seconds > (ulong)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond)
        {
            return 0;
        }

        // Ticks are 100 ns: scale the sub-second part without overflowing for any resolution up to 2^-62.
        ulong fractionTicks = (ulong)(remainder * (decimal)TimeSpan.TicksPerSecond / perSecond);
        return (long)(seconds * (ulong)TimeSpan.TicksPerSecond + fractionTicks);
    }

    private static DateTimeOffset ToTimestamp(long ticksSinceEpoch)
    {
        long max = DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(Math.Clamp(ticksSinceEpoch, 0, max));
    }

    private static uint Read32(ReadOnlySpan<byte> data, bool littleEndian)
        => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);

    private static int Read16(ReadOnlySpan<byte> data, bool littleEndian)
        => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);
}
