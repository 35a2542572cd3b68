namespace TsThinLic.Replay.Capture;

/// <summary>
/// Puts one direction of a TCP connection back in order ([RFC 9293 3.4]): segments are placed by sequence number
/// (wrapping), retransmitted bytes are dropped, overlapping segments are trimmed, and segments that arrive ahead of
/// a gap wait until the gap is filled. Bounded: at most <see cref="MaxStreamLength"/> bytes are kept and at most
/// <see cref="MaxPendingSegments"/> segments wait. Remembers which frame delivered each byte range, so a PDU can be
/// dated by the frame that completed it.
/// </summary>
public sealed class TcpStreamReassembler
{
    /// <summary>The most bytes kept for one direction of one connection.</summary>
    public const int MaxStreamLength = 16 * 1024 * 1024;

    /// <summary>The most out-of-order segments that wait for a gap to be filled.</summary>
    public const int MaxPendingSegments = 4096;

    private readonly List<byte> _bytes = [];
    private readonly List<(int End, int FrameIndex, DateTimeOffset Timestamp)> _marks = [];
    private readonly Dictionary<uint, (byte[] Data, int FrameIndex, DateTimeOffset Timestamp)> _pending = [];
    private uint? _nextSequence;

    /// <summary>The bytes put in order so far.</summary>
    public ReadOnlySpan<byte> Bytes => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bytes);

    /// <summary>Bytes of segments that could not be placed: a gap never filled, or a limit reached.</summary>
    public long BytesDropped { get; private set; }

    /// <summary>Segments dropped because they were retransmissions of bytes already in place.</summary>
    public int Retransmissions { get; private set; }

    /// <summary>Whether a gap was still open at the end (bytes are missing from the capture).</summary>
    public bool HasGap => _pending.Count > 0;

    /// <summary>The frame whose segment delivered the byte at <paramref name="streamOffset"/>.</summary>
    public (int FrameIndex, DateTimeOffset Timestamp) FrameAt(int streamOffset)
    {
        int low = 0;
        int high = _marks.Count - 1;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_marks[middle].End <= streamOffset)
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

    /// <summary>Adds one segment of this direction.</summary>
    public void Add(TcpSegment segment, int frameIndex, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(segment);
        uint sequence = segment.SequenceNumber;
        if (segment.IsSyn)
        {
            // The SYN takes one sequence number; data (rare) starts after it.
            sequence++;
            _nextSequence ??= sequence;
        }

        ReadOnlySpan<byte> payload = segment.Payload.Span;
        if (payload.IsEmpty)
        {
            return;
        }

        // A capture may start mid-connection: the first data segment seen sets the origin.
        _nextSequence ??= sequence;
        // Serial-number distance (RFC 1982); as a long, so that 2^31 behind (int.MinValue, which RFC 1982 leaves
        // undefined) is not negated back to itself (found by fuzzing: payload[int.MinValue..] threw).
        long ahead = unchecked((int)(sequence - _nextSequence.Value));
        if (ahead < 0)
        {
            if (payload.Length <= -ahead)
            {
                Retransmissions++;
                return;
            }

            payload = payload[(int)(-ahead)..];
            ahead = 0;
        }

        if (ahead > 0)
        {
            uint key = sequence;
            if (_pending.TryGetValue(key, out var existing) && existing.Data.Length >= payload.Length)
            {
                Retransmissions++;
                return;
            }

            if (_pending.Count >= MaxPendingSegments)
            {
                BytesDropped += payload.Length;
                return;
            }

            _pending[key] = (payload.ToArray(), frameIndex, timestamp);
            return;
        }

        Append(payload, frameIndex, timestamp);
        Drain();
    }

    private void Drain()
    {
        bool progressed = true;
        while (progressed && _pending.Count > 0)
        {
            progressed = false;
            foreach (var (key, value) in _pending)
            {
                long ahead = unchecked((int)(key - _nextSequence!.Value));
                if (ahead > 0)
                {
                    continue;
                }

                _pending.Remove(key);
                if (value.Data.Length > -ahead)
                {
                    Append(value.Data.AsSpan((int)(-ahead)), value.FrameIndex, value.Timestamp);
                }
                else
                {
                    Retransmissions++;
                }

                progressed = true;
                break;
            }
        }
    }

    private void Append(ReadOnlySpan<byte> data, int frameIndex, DateTimeOffset timestamp)
    {
        _nextSequence = unchecked(_nextSequence!.Value + (uint)data.Length);
        int room = MaxStreamLength - _bytes.Count;
        if (room < data.Length)
        {
            BytesDropped += data.Length - Math.Max(room, 0);
            data = data[..Math.Max(room, 0)];
        }

        if (data.IsEmpty)
        {
            return;
        }

        _bytes.AddRange(data);

        _marks.Add((_bytes.Count, frameIndex, timestamp));
    }

    /// <summary>Gives up on the open gaps (end of capture): the bytes waiting behind them are counted as dropped.</summary>
    public void Finish()
    {
        foreach (var value in _pending.Values)
        {
            BytesDropped += value.Data.Length;
        }

        _pending.Clear();
    }
}
