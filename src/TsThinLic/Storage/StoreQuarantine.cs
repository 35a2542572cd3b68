using System.Globalization;
using System.Text;
using TsThinLic.Storage.Files;

namespace TsThinLic.Storage;

/// <summary>
/// The quarantine as a directory beside the store (<c>licenses.store.quarantine/</c>): each damaged image is a file
/// named by its UTC time (<c>20260601T080000.000Z.store</c>) holding the medium's bytes unchanged, so <c>tsthinlic show
/// --image</c> and <c>import --salvage</c> read it like any backup, and a note beside it (<c>….store.txt</c>) gives the
/// time, the store and the reason. The image is written durably (temporary file, fsync, rename) before the note, and
/// the directory is synced before <see cref="Keep"/> returns; only then may the store overwrite the damaged record.
/// At most <see cref="MaxKept"/> copies are kept: the oldest are removed after a new one is safe.
/// </summary>
public sealed class StoreQuarantine : IStoreQuarantine
{
    /// <summary>How many copies are kept by default.</summary>
    public const int DefaultMaxKept = 4;

    /// <summary>The largest image kept: the largest image a store reads (a flash partition), so nothing is cut.</summary>
    public const int MaxImageLength = LicenseStoreImage.MaxLength;

    private const string NoteExtension = ".txt";
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'.'fff'Z'";
    private const int MaxNoteLength = 64 * 1024;

    private readonly IStoreFileSystem _files;
    private readonly TimeProvider _time;
    private readonly List<QuarantinedImage> _kept = [];

    /// <param name="directory">The quarantine directory (made when the first copy is kept).</param>
    /// <param name="time">The clock the copies are dated by.</param>
    /// <param name="maxKept">How many copies to keep (the newest).</param>
    public StoreQuarantine(string directory, TimeProvider? time = null, int maxKept = DefaultMaxKept)
        : this(directory, PosixStoreFileSystem.Instance, time, maxKept)
    {
    }

    internal StoreQuarantine(string directory, IStoreFileSystem files, TimeProvider? time = null, int maxKept = DefaultMaxKept)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKept, 1);
        Location = Path.GetFullPath(directory);
        _files = files;
        _time = time ?? TimeProvider.System;
        MaxKept = maxKept;
    }

    public string Location { get; }

    /// <summary>How many copies are kept (the newest).</summary>
    public int MaxKept { get; }

    public IReadOnlyList<QuarantinedImage> Kept => _kept;

    public QuarantinedImage Keep(ReadOnlySpan<byte> image, string extension, string store, string reason)
    {
        ArgumentNullException.ThrowIfNull(extension);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reason);
        if (image.Length > MaxImageLength)
        {
            // Never the case for a store's own records (each is read bounded); a caller bug, not damage.
            throw new ArgumentOutOfRangeException(nameof(image), image.Length, $"A quarantined image is at most {MaxImageLength} bytes.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        string stamp = now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
        string path = Path.Combine(Location, stamp + extension);
        var entry = new QuarantinedImage(path, now, store, reason, image.Length);
        string note = $"tsthinlic quarantined store image\ntime: {now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\nstore: {OneLine(store)}\nreason: {OneLine(reason)}\nlength: {image.Length}\n";
        try
        {
            _files.CreateDirectory(Location);
            for (int n = 2; _files.ReadAll(path, 0) is not null; n++)
            {
                // Two damaged records in the same millisecond (a file store's two generations).
                path = Path.Combine(Location, $"{stamp}-{n}{extension}");
                entry = entry with { Path = path };
            }

            // The directory itself must survive a power cut too: sync its parent once it may be new.
            _files.SyncDirectory(Path.GetDirectoryName(Location)!);
            DurableFile.Write(path, image, _files);
            DurableFile.Write(path + NoteExtension, Encoding.UTF8.GetBytes(note), _files);
        }
        catch (IOException exception) when (exception is FileFaultException)
        {
            throw new LicenseStoreException($"the damaged store image could not be kept in {Location} ({exception.Message}); nothing was overwritten", exception);
        }

        _kept.Add(entry);
        Prune();
        return entry;
    }

    public IReadOnlyList<QuarantinedImage> List()
    {
        var entries = new List<QuarantinedImage>();
        foreach (string file in _files.ListFiles(Location))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(NoteExtension, StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal) || !TryParseStamp(name, out DateTimeOffset time))
            {
                continue;
            }

            string store = string.Empty;
            string reason = "(no note: the copy was kept, its note was not written)";
            long length = -1;
            if (ReadNote(file + NoteExtension) is { } text)
            {
                foreach (string line in text.Split('\n'))
                {
                    if (line.StartsWith("store: ", StringComparison.Ordinal))
                    {
                        store = line["store: ".Length..];
                    }
                    else if (line.StartsWith("reason: ", StringComparison.Ordinal))
                    {
                        reason = line["reason: ".Length..];
                    }
                    else if (line.StartsWith("length: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan("length: ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
                    {
                        length = parsed;
                    }
                }
            }

            entries.Add(new QuarantinedImage(file, time, store, reason, length));
        }

        entries.Sort((a, b) => b.Time != a.Time ? b.Time.CompareTo(a.Time) : string.CompareOrdinal(b.Path, a.Path));
        return entries;
    }

    public bool HoldsCopy(Predicate<byte[]> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        foreach (QuarantinedImage image in List())
        {
            try
            {
                if (_files.ReadAll(image.Path, MaxImageLength) is { } bytes && matches(bytes))
                {
                    return true;
                }
            }
            catch (FileFaultException)
            {
                // An unreadable copy holds nothing usable: the caller keeps a new one.
            }
        }

        return false;
    }

    private string? ReadNote(string path)
    {
        try
        {
            return _files.ReadAll(path, MaxNoteLength) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        }
        catch (FileFaultException)
        {
            return null;
        }
    }

    private void Prune()
    {
        try
        {
            IReadOnlyList<QuarantinedImage> all = List();
            foreach (QuarantinedImage old in all.Skip(MaxKept))
            {
                // The note first: a cut between the two leaves a copy without a note, never a note without its copy.
                _files.Delete(old.Path + NoteExtension);
                _files.Delete(old.Path);
            }
        }
        catch (FileFaultException)
        {
            // The new copy is safe; an old one that could not be removed is only untidy, and goes at the next prune.
        }
    }

    private static bool TryParseStamp(string name, out DateTimeOffset time)
    {
        time = default;
        int length = TimeFormat.Length - 6; // the quotes around T, . and Z are not in the name
        if (name.Length < length
            || !DateTime.TryParseExact(name.AsSpan(0, length), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
        {
            return false;
        }

        time = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
