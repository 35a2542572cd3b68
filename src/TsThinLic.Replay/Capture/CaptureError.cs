namespace TsThinLic.Replay.Capture;

/// <summary>
/// What is wrong with a capture file: the kind, the field of the file format (pcap record header, pcapng block type,
/// ...) and the byte offset of that field in the file.
/// </summary>
public readonly record struct CaptureError(CaptureErrorKind Kind, string Field, long Offset, string? Detail = null)
{
    /// <summary>For example <c>Truncated: pcapng block body at offset 1024 (declares 96 bytes, 40 remain)</c>.</summary>
    public override string ToString()
        => Detail is null ? $"{Kind}: {Field} at offset {Offset}" : $"{Kind}: {Field} at offset {Offset} ({Detail})";
}
