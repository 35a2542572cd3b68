namespace TsThinLic.Replay.Capture;

/// <summary>Why a capture file or a packet in it could not be read. Readers report these instead of throwing.</summary>
public enum CaptureErrorKind
{
    /// <summary>The file starts with neither a pcap nor a pcapng magic number.</summary>
    UnknownFormat,

    /// <summary>The file ends inside a header or a record.</summary>
    Truncated,

    /// <summary>A length field declares more than remains or more than the reader's stated maximum.</summary>
    LengthOutOfRange,

    /// <summary>A field holds a value the format cannot have.</summary>
    InvalidValue,

    /// <summary>The file holds more packets, or a stream more bytes, than the reader's stated maximum.</summary>
    LimitExceeded,
}
