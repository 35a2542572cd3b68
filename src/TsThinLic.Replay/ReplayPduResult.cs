using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>The verdict on one PDU of an exchange, with what was compared and every difference found.</summary>
public sealed class ReplayPduResult
{
    public ReplayPduResult(int index, CaptureDirection direction, string messageType, ReplayVerdict verdict, string detail, IReadOnlyList<FieldDifference>? differences = null, ReadOnlyMemory<byte> captured = default, ReadOnlyMemory<byte> ours = default)
    {
        Index = index;
        Direction = direction;
        MessageType = messageType;
        Verdict = verdict;
        Detail = detail;
        Differences = differences ?? [];
        Captured = captured;
        Ours = ours;
    }

    /// <summary>Its position in the exchange (1-based).</summary>
    public int Index { get; }

    public CaptureDirection Direction { get; }

    /// <summary>The spec name of its bMsgType (LICENSE_REQUEST, NEW_LICENSE_REQUEST, ...), or "encrypted"/"malformed".</summary>
    public string MessageType { get; }

    public ReplayVerdict Verdict { get; }

    /// <summary>One line on what was checked and how it went.</summary>
    public string Detail { get; }

    /// <summary>Fields that differ: failures and tolerated differences.</summary>
    public IReadOnlyList<FieldDifference> Differences { get; }

    /// <summary>The PDU as captured.</summary>
    public ReadOnlyMemory<byte> Captured { get; }

    /// <summary>What our client sent in its place (client PDUs only).</summary>
    public ReadOnlyMemory<byte> Ours { get; }
}
