namespace TsThinLic.Host;

/// <summary>What doctor knows about one path: whether it exists, and its mode bits and owner where the system says.</summary>
/// <param name="exists">A file or directory is there.</param>
/// <param name="isDirectory">It is a directory.</param>
/// <param name="mode">Permission bits (with setuid, setgid, sticky); null where unknown (Windows, or stat refused).</param>
/// <param name="ownerUid">The owner's user ID; null where unknown.</param>
internal readonly struct FileFacts(bool exists, bool isDirectory, UnixFileMode? mode, uint? ownerUid)
{
    public bool Exists { get; } = exists;

    public bool IsDirectory { get; } = isDirectory;

    public UnixFileMode? Mode { get; } = mode;

    public uint? OwnerUid { get; } = ownerUid;
}
