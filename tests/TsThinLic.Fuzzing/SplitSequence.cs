using System.Buffers;

namespace TsThinLic.Fuzzing;

/// <summary>Bytes as a two-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over a PDU that arrived in two reads.</summary>
internal sealed class SplitSequence : ReadOnlySequenceSegment<byte>
{
    private SplitSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> bytes, int split)
    {
        split = Math.Clamp(split, 0, bytes.Length);
        var first = new SplitSequence(bytes[..split], 0);
        var second = new SplitSequence(bytes[split..], split);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}
