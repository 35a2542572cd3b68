using TsThinLic.Storage.Files;
using TsThinLic.Tests.Fakes;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// A file system in memory for the file store's power-cut sweep: every write, rename, delete and directory fsync is
/// one operation; power can be cut after the k-th (the next throws <see cref="PowerCutException"/> having done nothing,
/// or, for a write, having landed only its first bytes).
/// </summary>
internal sealed class FaultyFileSystem : IStoreFileSystem
{
    private readonly Dictionary<string, byte[]> _files;
    private long _operationsLeft = long.MaxValue;
    private int _tornBytes = -1;

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

    public byte[]? ReadAll(string path) => _files.TryGetValue(path, out byte[]? bytes) ? (byte[])bytes.Clone() : null;

    public void WriteDurably(string path, ReadOnlySpan<byte> data)
    {
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
        ThrowIfCut();
        OperationCount++;
    }

    public void Delete(string path)
    {
        ThrowIfCut();
        _files.Remove(path);
        OperationCount++;
    }

    public void CreateDirectory(string path)
    {
    }

    public bool DirectoryExists(string path) => true;

    public IDisposable Lock(string path) => new NoLock();

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
