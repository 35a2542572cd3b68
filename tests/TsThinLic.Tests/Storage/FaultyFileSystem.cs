using TsThinLic.Storage.Files;
using TsThinLic.Tests.Fakes;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// A file system in memory for the file store's power-cut sweep: every write, rename, delete and directory fsync is
/// one operation; power can be cut after the k-th (the next throws <see cref="PowerCutException"/> having done nothing,
/// or, for a write, having landed only its first bytes). A step can also be refused the way the real seam refuses it
/// (<see cref="Refuse"/>: a <see cref="FileFaultException"/> with an errno, e.g. ENOSPC on a rename, EIO on a
/// directory fsync), having done nothing.
/// </summary>
internal sealed class FaultyFileSystem : IStoreFileSystem
{
    private readonly Dictionary<string, byte[]> _files;
    private long _operationsLeft = long.MaxValue;
    private int _tornBytes = -1;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private Func<string, string, int?>? _refuse;

    public FaultyFileSystem(Dictionary<string, byte[]>? files = null)
    {
        _files = files is null ? new(StringComparer.Ordinal) : new(files, StringComparer.Ordinal);
    }

    public int OperationCount { get; private set; }

    /// <summary>Length of each write, by operation number (to tear each at every byte).</summary>
    public List<(int Operation, int Length)> Writes { get; } = [];

    public Dictionary<string, byte[]> Snapshot() => _files.ToDictionary(f => f.Key, f => (byte[])f.Value.Clone(), StringComparer.Ordinal);

    public void CutPowerAfter(long operations, int tornBytes = -1)
    {
        _operationsLeft = operations;
        _tornBytes = tornBytes;
    }

    public void PowerOn()
    {
        _operationsLeft = long.MaxValue;
        _tornBytes = -1;
    }

    /// <summary>
    /// Makes a step fail as the system would: <paramref name="errno"/> gets the step ("write", "rename", "fsync the
    /// directory", "delete") and its path and returns the errno to fail with, or null to let it run.
    /// </summary>
    public void Refuse(Func<string, string, int?> errno) => _refuse = errno;

    /// <summary>A whole file (tests look at what the store left).</summary>
    public byte[]? ReadAll(string path) => ReadAll(path, int.MaxValue);

    public byte[]? ReadAll(string path, int maxLength)
        => _files.TryGetValue(path, out byte[]? bytes) ? bytes.AsSpan(0, Math.Min(bytes.Length, maxLength)).ToArray() : null;

    public IReadOnlyList<string> ListFiles(string directory)
    {
        string prefix = directory.TrimEnd('/') + "/";
        return _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0).Order(StringComparer.Ordinal).ToArray();
    }

    public void WriteDurably(string path, ReadOnlySpan<byte> data)
    {
        CheckRefused("write", path);
        if (Cut())
        {
            if (_tornBytes >= 0)
            {
                _files[path] = data[..Math.Min(_tornBytes, data.Length)].ToArray();
            }

            throw new PowerCutException();
        }

        Writes.Add((OperationCount, data.Length));
        _files[path] = data.ToArray();
        OperationCount++;
    }

    public void Rename(string from, string to)
    {
        CheckRefused("rename", from);
        ThrowIfCut();
        if (!_files.Remove(from, out byte[]? bytes))
        {
            throw new FileNotFoundException(from);
        }

        _files[to] = bytes;
        OperationCount++;
    }

    public void SyncDirectory(string directory)
    {
        CheckRefused("fsync the directory", directory);
        ThrowIfCut();
        OperationCount++;
    }

    public void Delete(string path)
    {
        CheckRefused("delete", path);
        ThrowIfCut();
        _files.Remove(path);
        OperationCount++;
    }

    public void CreateDirectory(string path) => _directories.Add(path.TrimEnd('/'));

    // A directory is one that was made, or one that holds a file; a path that is a file is never one.
    public bool DirectoryExists(string path)
        => !_files.ContainsKey(path) && (_directories.Contains(path.TrimEnd('/')) || _files.Keys.Any(k => k.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal)));

    public IDisposable Lock(string path) => new NoLock();

    private void CheckRefused(string operation, string path)
    {
        if (_refuse?.Invoke(operation, path) is { } errno)
        {
            throw new FileFaultException(operation, path, OsErrorText.Words(errno), errno);
        }
    }

    private void ThrowIfCut()
    {
        if (Cut())
        {
            throw new PowerCutException();
        }
    }

    private bool Cut()
    {
        if (_operationsLeft == 0)
        {
            return true;
        }

        _operationsLeft--;
        return false;
    }

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
