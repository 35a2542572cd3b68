using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2.2.1] The AV_PAIR list of a CHALLENGE_MESSAGE's TargetInfo, which the client echoes (with its own
/// additions) in the NTLMv2 response. Order is kept: the server checks the echo byte for byte against what it sent.
/// </summary>
public sealed class NtlmTargetInfo
{
    /// <summary>More pairs than any server sends; a bound for hostile input.</summary>
    public const int MaxPairs = 64;

    /// <summary>MsvAvFlags bit: the client provides a MIC in the AUTHENTICATE_MESSAGE.</summary>
    public const uint MicProvided = 0x00000002;

    public NtlmTargetInfo(IReadOnlyList<NtlmAvPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        Pairs = pairs;
    }

    /// <summary>The pairs in order, without MsvAvEOL.</summary>
    public IReadOnlyList<NtlmAvPair> Pairs { get; }

    /// <summary>The value of the first pair with <paramref name="id"/>, if any.</summary>
    public ReadOnlyMemory<byte>? Find(NtlmAvId id)
    {
        foreach (NtlmAvPair pair in Pairs)
        {
            if (pair.Id == id)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>A name pair (NetBIOS or DNS), UTF-16LE on the wire, as text.</summary>
    public string? FindName(NtlmAvId id) => Find(id) is { } value ? Encoding.Unicode.GetString(value.Span) : null;

    /// <summary>MsvAvTimestamp as a FILETIME, if the server sent one.</summary>
    public long? Timestamp => Find(NtlmAvId.Timestamp) is { Length: 8 } value ? BinaryPrimitives.ReadInt64LittleEndian(value.Span) : null;

    /// <summary>The list with <paramref name="pair"/> in place of a pair of the same id, or added before MsvAvEOL.</summary>
    public NtlmTargetInfo With(NtlmAvPair pair)
    {
        var pairs = new List<NtlmAvPair>(Pairs.Count + 1);
        bool replaced = false;
        foreach (NtlmAvPair existing in Pairs)
        {
            if (existing.Id == pair.Id && !replaced)
            {
                pairs.Add(pair);
                replaced = true;
            }
            else
            {
                pairs.Add(existing);
            }
        }

        if (!replaced)
        {
            pairs.Add(pair);
        }

        return new NtlmTargetInfo(pairs);
    }

    /// <summary>The encoded list, MsvAvEOL included.</summary>
    public byte[] ToArray()
    {
        int length = NtlmAvPair.HeaderLength;
        foreach (NtlmAvPair pair in Pairs)
        {
            length += NtlmAvPair.HeaderLength + pair.Value.Length;
        }

        byte[] bytes = new byte[length];
        int offset = 0;
        foreach (NtlmAvPair pair in Pairs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)pair.Id);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset + 2), (ushort)pair.Value.Length);
            pair.Value.Span.CopyTo(bytes.AsSpan(offset + NtlmAvPair.HeaderLength));
            offset += NtlmAvPair.HeaderLength + pair.Value.Length;
        }

        return bytes; // the trailing four zero bytes are MsvAvEOL
    }

    /// <summary>
    /// Decodes a list that must end with MsvAvEOL; bytes after it are ignored (Windows pads nothing, but [MS-NLMP] does
    /// not forbid it). <paramref name="baseOffset"/> is added to error offsets.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, int baseOffset, [NotNullWhen(true)] out NtlmTargetInfo? targetInfo, out DecodeError error)
    {
        targetInfo = null;
        var pairs = new List<NtlmAvPair>();
        int offset = 0;
        ReadOnlySpan<byte> span = data.Span;
        while (true)
        {
            if (span.Length - offset < NtlmAvPair.HeaderLength)
            {
                error = new DecodeError(DecodeErrorKind.Truncated, "AvId", baseOffset + offset, "the list ends before MsvAvEOL");
                return false;
            }

            var id = (NtlmAvId)BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]);
            if (id == NtlmAvId.Eol)
            {
                targetInfo = new NtlmTargetInfo(pairs);
                error = default;
                return true;
            }

            if (length > span.Length - offset - NtlmAvPair.HeaderLength)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "AvLen", baseOffset + offset + 2, $"declares {length}, {span.Length - offset - NtlmAvPair.HeaderLength} remain");
                return false;
            }

            if (pairs.Count == MaxPairs)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "AV_PAIR", baseOffset + offset, $"more than {MaxPairs} pairs");
                return false;
            }

            pairs.Add(new NtlmAvPair(id, data.Slice(offset + NtlmAvPair.HeaderLength, length)));
            offset += NtlmAvPair.HeaderLength + length;
        }
    }
}
