namespace TsThinLic.Storage.Files;

/// <summary>
/// Writes a whole file the way the file store commits (temporary file, fsync, rename, directory fsync): a backup or an
/// export is either complete under its name or not there at all, even across a power cut. A failure leaves no
/// temporary file behind and is a <see cref="FileFaultException"/> naming the path and the system's words.
/// </summary>
public static class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> data) => Write(path, data, PosixStoreFileSystem.Instance);

    internal static void Write(string path, ReadOnlySpan<byte> data, IStoreFileSystem files)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (files.DirectoryExists(full))
        {
            // rename(2) onto a directory fails only after the temporary file is written: refuse first.
            throw new FileFaultException("write", full, OsErrorText.Words(OperatingSystem.IsWindows() ? 5 : 21), OperatingSystem.IsWindows() ? 5 : 21);
        }

        files.CreateDirectory(directory);
        string temporary = full + ".tmp";
        try
        {
            files.WriteDurably(temporary, data);
            files.Rename(temporary, full);
        }
        catch (IOException)
        {
            TryDelete(files, temporary);
            throw;
        }

        files.SyncDirectory(directory);
    }

    /// <summary>Removes a temporary file after a failed step; a failure to remove it changes nothing about the first one.</summary>
    internal static void TryDelete(IStoreFileSystem files, string path)
    {
        try
        {
            files.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is the one to report (and a power cut stops every step alike).
        }
    }
}
