namespace TsThinLic.Storage.Files;

/// <summary>
/// Writes a whole file the way the file store commits (temporary file, fsync, rename, directory fsync): a backup or an
/// export is either complete under its name or not there at all, even across a power cut.
/// </summary>
public static class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> data)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        IStoreFileSystem files = PosixStoreFileSystem.Instance;
        files.CreateDirectory(directory);
        string temporary = full + ".tmp";
        files.WriteDurably(temporary, data);
        files.Rename(temporary, full);
        files.SyncDirectory(directory);
    }
}
