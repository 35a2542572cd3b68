namespace TsThinLic.Storage.Files;

/// <summary>
/// The few file-system steps the file store (and its quarantine) takes, behind a seam so that a test can cut power
/// after each of them, tear a write at any byte, or make a step fail as a full disk or a failing card does. Each step
/// is durable when it returns; each failure is a <see cref="FileFaultException"/> naming the step, the path and the
/// system's words.
/// </summary>
internal interface IStoreFileSystem
{
    /// <summary>
    /// The file's first <paramref name="maxLength"/> bytes (a longer file is damage the caller reports), or null when
    /// it does not exist. Only a regular file is read.
    /// </summary>
    byte[]? ReadAll(string path, int maxLength);

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

    /// <summary>The full paths of the files directly in <paramref name="directory"/>; empty when it does not exist.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>Takes the store's exclusive lock between processes.</summary>
    IDisposable Lock(string path);
}
