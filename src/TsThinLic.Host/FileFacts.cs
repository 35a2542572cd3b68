namespace TsThinLic.Host;

/// <summary>What doctor knows about one path: whether it exists, and its mode bits and owner where the system says.</summary>
/// <param name="Exists">A file or directory is there.</param>
/// <param name="IsDirectory">It is a directory.</param>
/// <param name="Mode">Permission bits (with setuid, setgid, sticky); null where unknown (Windows, or stat refused).</param>
/// <param name="OwnerUid">The owner's user ID; null where unknown.</param>
internal readonly record struct FileFacts(bool Exists, bool IsDirectory, UnixFileMode? Mode, uint? OwnerUid);
