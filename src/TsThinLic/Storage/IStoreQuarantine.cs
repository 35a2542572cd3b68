namespace TsThinLic.Storage;

/// <summary>
/// Where a store keeps a damaged image before it overwrites it (DESIGN.md, Stores, "Failure semantics"): a record
/// that fails its checks is never simply replaced, so the HWID and the CAL it held can still be read out of the copy.
/// The copies are bounded (the newest few), each with its time and reason.
/// </summary>
public interface IStoreQuarantine
{
    /// <summary>Where the copies are kept, in words (a directory).</summary>
    string Location { get; }

    /// <summary>
    /// Keeps <paramref name="image"/> durably (it survives a power cut once this returns), then drops the oldest copies
    /// beyond the bound. The caller overwrites the damaged record only after this returned.
    /// </summary>
    /// <param name="image">The damaged record's bytes, exactly as on the medium.</param>
    /// <param name="extension">The copy's file extension (".store", ".bin", ".reg"), so tools recognise it.</param>
    /// <param name="store">Which store it came from, in words.</param>
    /// <param name="reason">Why it failed its checks (the field and offset).</param>
    /// <exception cref="LicenseStoreException">The copy could not be kept; the caller must then change nothing.</exception>
    QuarantinedImage Keep(ReadOnlySpan<byte> image, string extension, string store, string reason);

    /// <summary>The copies kept, newest first. Reading never writes.</summary>
    IReadOnlyList<QuarantinedImage> List();

    /// <summary>
    /// Whether a kept copy already holds what is about to be replaced (<paramref name="matches"/> is given each copy's
    /// bytes): a damaged flash slot that outlives one write is not copied again at the next.
    /// </summary>
    bool HoldsCopy(Predicate<byte[]> matches);

    /// <summary>The copies this instance kept (this process's run), oldest first.</summary>
    IReadOnlyList<QuarantinedImage> Kept { get; }
}
