using System.Buffers;

namespace TsThinLic.Tests.TestSupport;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a PipeReader hands them out.</summary>
public static class Segments
{
    /// <summary>A sequence made of the given parts, one segment each (empty parts included).</summary>
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> OnePerByte(byte[] data)
        => data.Length == 0 ? ReadOnlySequence<byte>.Empty : Of([.. data.Select(b => new[] { b })]);

    /// <summary>Two segments, split before <paramref name="index"/> (0 and Length give an empty segment).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, int index) => Of(data[..index], data[index..]);

    /// <summary>Every shape a test runs a parser over: one segment, one per byte, and a split at every index.</summary>
    public static IEnumerable<(string Shape, ReadOnlySequence<byte> Sequence)> AllShapes(byte[] data)
    {
        yield return ("single", new ReadOnlySequence<byte>(data));
        yield return ("one-per-byte", OnePerByte(data));
        for (int i = 0; i <= data.Length; i++)
        {
            yield return ($"split@{i}", SplitAt(data, i));
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
