namespace TsThinLic.Host;

/// <summary>
/// How doctor looks at the file that holds a store, behind a seam: tests run as root, where mode bits stop no write,
/// so the rules for modes, owners and read-only media are also tested with a scripted inspector. Nothing here changes
/// the store; the only write is <see cref="ProbeDirectoryWrite"/>'s own empty file, created and deleted.
/// </summary>
internal interface IStoreFileInspector
{
    /// <summary>This process's effective user ID; null where the system has none (Windows).</summary>
    uint? EffectiveUserId { get; }

    FileFacts Inspect(string path);

    /// <summary>Null when this process may read (or write) <paramref name="path"/>, else why not; opens nothing.</summary>
    string? CheckAccess(string path, bool write);

    /// <summary>Creates a uniquely named empty file in <paramref name="directory"/> and deletes it: null when that worked, else why not.</summary>
    string? ProbeDirectoryWrite(string directory);
}
