namespace TsThinLic.Replay.Capture;

/// <summary>One packet record of a pcap or pcapng file: when it was captured, its link type and its captured bytes.</summary>
/// <param name="Index">The packet's position in the file (0-based), the order a capture tool saw it.</param>
/// <param name="Timestamp">The capture time.</param>
/// <param name="LinkType">The LINKTYPE_ value of its interface (1 Ethernet, 113 Linux SLL, ...).</param>
/// <param name="Data">The captured bytes (possibly fewer than were on the wire).</param>
/// <param name="FileOffset">Where the record starts in the file.</param>
public sealed record CapturedFrame(int Index, DateTimeOffset Timestamp, int LinkType, ReadOnlyMemory<byte> Data, long FileOffset);
