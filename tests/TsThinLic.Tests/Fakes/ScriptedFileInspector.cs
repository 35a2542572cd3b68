using TsThinLic.Host;

namespace TsThinLic.Tests.Fakes;

/// <summary>
/// A file inspector that says what the test scripts and, for anything unscripted, what the real one says: so a test
/// running as root can be a non-root account, on a read-only mount, facing a file of another owner.
/// </summary>
internal sealed class ScriptedFileInspector : IStoreFileInspector
{
    private readonly IStoreFileInspector _real = PosixStoreFileInspector.Instance;

    public uint? EffectiveUserId { get; init; }

    /// <summary>Facts per path, instead of the real ones.</summary>
    public Dictionary<string, FileFacts> Facts { get; } = [];

    /// <summary>Why a path cannot be read (absent: it can).</summary>
    public Dictionary<string, string> ReadErrors { get; } = [];

    /// <summary>Why a path cannot be written (absent: it can).</summary>
    public Dictionary<string, string> WriteErrors { get; } = [];

    /// <summary>Why a directory takes no new file (absent: it does).</summary>
    public Dictionary<string, string> DirectoryErrors { get; } = [];

    public FileFacts Inspect(string path) => Facts.TryGetValue(path, out FileFacts facts) ? facts : _real.Inspect(path);

    public string? CheckAccess(string path, bool write) => (write ? WriteErrors : ReadErrors).GetValueOrDefault(path);

    public string? ProbeDirectoryWrite(string directory) => DirectoryErrors.GetValueOrDefault(directory);
}
