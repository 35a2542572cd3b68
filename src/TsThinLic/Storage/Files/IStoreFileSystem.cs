namespace TsThinLic.Storage.Files;

/// <summary>
/// The few file-system steps the file store takes, behind a seam so that a test can cut power after each of them or
/// tear a write at any byte. Each step is durable when it returns.
/// </summary>
internal interface IStoreFileSystem
{
    /// <summary>The whole file, or null when it does not exist.</summary>
    byte[]? ReadAll(string path);

    /// <summary>Creates or truncates <paramref name="path"/>, writes <paramref name="data"/>, fsyncs it.</summary>
    void WriteDurably(string path, ReadOnlySpan<byte> data);

    /// <summary>Atomically renames, replacing <paramref name="to"/> if it exists.</summary>
    void Rename(string from, string to);

    /// <summary>Fsyncs a directory so that renames and deletes in it survive a power cut.</summary>
    void SyncDirectory(string directory);

    void Delete(string path);

    /// <summary>Creates a directory and its parents when missing.</summary>
    void CreateDirectory(string path);

    bool DirectoryExists(string path);

    /// <summary>Takes the store's exclusive lock between processes.</summary>
    IDisposable Lock(string path);
}
