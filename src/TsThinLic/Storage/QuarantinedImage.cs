namespace TsThinLic.Storage;

/// <summary>One damaged store image kept by an <see cref="IStoreQuarantine"/>.</summary>
/// <param name="Path">Where the copy is (byte for byte what the medium held).</param>
/// <param name="Time">When it was kept (the quarantine's clock).</param>
/// <param name="Store">Which store it came from, in words.</param>
/// <param name="Reason">Why it failed its checks.</param>
/// <param name="Length">Its length in bytes.</param>
public sealed record QuarantinedImage(string Path, DateTimeOffset Time, string Store, string Reason, long Length);
