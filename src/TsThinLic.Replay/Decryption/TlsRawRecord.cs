namespace TsThinLic.Replay.Decryption;

/// <summary>One TLS record as captured: its position among its direction's records, where it starts, its header fields and its fragment.</summary>
internal readonly record struct TlsRawRecord(int Index, int Offset, byte Type, int Version, ReadOnlyMemory<byte> Fragment)
{
    /// <summary>Where the record ends (header and fragment), counted like <see cref="Offset"/>.</summary>
    public int End => Offset + 5 + Fragment.Length;
}
