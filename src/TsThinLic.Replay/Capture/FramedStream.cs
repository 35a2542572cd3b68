namespace TsThinLic.Replay.Capture;

/// <summary>
/// One direction's bytes in order, with the capture frame that delivered each byte range: a reassembled TCP stream,
/// or the plaintext recovered from it (TLS application data, each record dated by the frame that completed it).
/// </summary>
internal sealed class FramedStream
{
    private readonly byte[] _bytes;
    private readonly List<(int End, int FrameIndex, DateTimeOffset Timestamp)> _marks;

    public FramedStream(byte[] bytes, List<(int End, int FrameIndex, DateTimeOffset Timestamp)> marks)
    {
        _bytes = bytes;
        _marks = marks;
    }

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The bytes as memory.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    /// <summary>The frame whose segment delivered the byte at <paramref name="offset"/> ((-1, default) when none did).</summary>
    public (int FrameIndex, DateTimeOffset Timestamp) FrameAt(int offset)
    {
        int low = 0;
        int high = _marks.Count - 1;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_marks[middle].End <= offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return _marks.Count == 0 ? (-1, default) : (_marks[low].FrameIndex, _marks[low].Timestamp);
    }

    /// <summary>"offset N, frame F" as Wireshark numbers frames (from 1).</summary>
    public string Where(int offset)
    {
        int frame = FrameAt(Math.Max(0, offset)).FrameIndex;
        return frame < 0 ? $"stream offset {offset}" : $"stream offset {offset}, frame {frame + 1}";
    }

    /// <summary>
    /// The first <paramref name="prefixLength"/> bytes of this stream (the cleartext before TLS) followed by
    /// decrypted <paramref name="records"/>, each dated by the frame that delivered the last byte of its record
    /// (<paramref name="offsetOfRecords"/> + its end, in this stream).
    /// </summary>
    public FramedStream WithPlaintext(int prefixLength, int offsetOfRecords, IReadOnlyList<(int End, byte[] Data)> records)
    {
        int total = prefixLength + records.Sum(r => r.Data.Length);
        byte[] bytes = new byte[total];
        _bytes.AsSpan(0, prefixLength).CopyTo(bytes);
        var marks = new List<(int End, int FrameIndex, DateTimeOffset Timestamp)>();
        foreach (var mark in _marks)
        {
            if (mark.End >= prefixLength)
            {
                marks.Add((prefixLength, mark.FrameIndex, mark.Timestamp));
                break;
            }

            marks.Add(mark);
        }

        int position = prefixLength;
        foreach ((int end, byte[] data) in records)
        {
            data.CopyTo(bytes, position);
            position += data.Length;
            (int frame, DateTimeOffset timestamp) = FrameAt(offsetOfRecords + end - 1);
            marks.Add((position, frame, timestamp));
        }

        return new FramedStream(bytes, marks);
    }
}
