using TsThinLic.Diagnostics;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// Check 2, <see cref="DoctorCheckIds.StoreAccess"/>: is the store there, readable, and writable by this account?
/// A store that cannot be written keeps nothing the server issues or renews, which is what UWF without PersistTSCAL does
/// to MSLicensing: the device goes on presenting what it had until it expires (event 1011 for a temporary CAL). File,
/// .reg and flash stores are files (the store file and its previous generation, the .reg export, the partition image):
/// their read access, mode bits and owner are looked at, and the place an update writes is probed. The registry store
/// reports its ACL and UWF through <see cref="Storage.Registry.RegistryLicenseStore.CheckEnvironment"/>.
/// </summary>
/// <remarks>
/// Root: mode bits stop no write by root, so as root the probes succeed even on a 0555 directory. A store whose mode
/// lets nobody write (no w bit at all) is therefore a problem whatever the probe says: the licensing client on a
/// device need not run as root. Tests run as root too, so the rules are also tested through a scripted
/// <see cref="IStoreFileInspector"/>.
/// </remarks>
internal static class StoreAccessCheck
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private const string ReadOnlyFix = "give the account that runs the licensing client write access there (chown it, chmod u+w), or remount the file system read-write; on an image with a write filter (overlayfs, UWF), keep the store on storage that persists, as UWF's PersistTSCAL does for MSLicensing";

    /// <summary>The check for a file, .reg or flash store, and whether the content can be read at all (else the content checks are skipped).</summary>
    public static (DoctorCheck Check, bool Readable) Evaluate(StoreTarget target, IStoreFileInspector files)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(files);
        if (target.Kind == "memory")
        {
            return (DoctorCheck.Skipped(DoctorCheckIds.StoreAccess, "the memory store keeps nothing between runs: there is no medium to check"), true);
        }

        var result = new Findings();
        // A file or .reg store is updated by writing a new file and renaming it over the old one (rename(2)): the
        // directory must be writable, not the file. A flash image is programmed in place: the image must be writable.
        bool replacedByRename = target.Kind is "file" or "reg";
        string path = target.Path;
        string directory = Path.GetDirectoryName(path)!;
        uint? account = files.EffectiveUserId;
        bool root = account == 0;
        if (root)
        {
            result.Facts.Add("running as root, whom mode bits do not stop: the mode bits are judged as well");
        }

        string[] copies = target.Kind == "file" ? [path, path + ".prev"] : [path];
        var present = new List<string>();
        foreach (string copy in copies)
        {
            if (files.Inspect(copy).Exists)
            {
                present.Add(copy);
            }
        }

        if (present.Count == 0)
        {
            // Nothing stored yet: the first license creates it (and the directories above it).
            string? parent = directory;
            while (parent is not null && !files.Inspect(parent).IsDirectory)
            {
                parent = Path.GetDirectoryName(parent);
            }

            if (parent is null)
            {
                result.Problem($"no store at {path}, and no directory above it exists", ReadOnlyFix, serverEvent: null);
            }
            else
            {
                result.Facts.Add($"no store yet at {path}: it is created at the first license");
                CheckWritableDirectory(parent, files, root, result);
            }

            return (result.ToCheck(), true);
        }

        bool readable = true;
        foreach (string copy in present)
        {
            FileFacts facts = files.Inspect(copy);
            result.Facts.Add($"{copy}: {Describe(facts, account)}");
            if (files.CheckAccess(copy, write: false) is { } readError)
            {
                readable = false;
                result.Problem($"{copy} cannot be read by this account ({readError}): the client cannot present its CALs and would license afresh under a new HWID", "give the licensing client's account read access to the store (chown or chmod u+r)", serverEvent: null);
            }

            if (facts.Mode is { } mode)
            {
                if ((mode & UnixFileMode.OtherRead) != 0)
                {
                    // The HWID and the CALs are all a copy needs to pass as this device (a clone by hand).
                    result.Warning($"{copy} is readable by every account ({Octal(mode)}): anyone on the device can copy the HWID and CALs", $"chmod 600 {copy}");
                }

                if ((mode & UnixFileMode.OtherWrite) != 0)
                {
                    result.Warning($"{copy} is writable by every account ({Octal(mode)}): anyone on the device can corrupt or replace the CALs", $"chmod 600 {copy}");
                }
            }

            if (account is { } uid && uid != 0 && facts.OwnerUid is { } owner && owner != uid)
            {
                result.Warning($"{copy} belongs to uid {owner}, not to this account (uid {uid}): runs as either account can leave a store the other cannot replace", $"run the licensing client and doctor as one account, or chown {copy} to the account that runs the licensing client");
            }
        }

        if (replacedByRename)
        {
            result.Facts.Add($"{directory}: {Describe(files.Inspect(directory), account)}");
            CheckWritableDirectory(directory, files, root, result);
            string lockFile = path + ".lock";
            if (target.Kind == "file" && files.Inspect(lockFile).Exists && files.CheckAccess(lockFile, write: true) is { } lockError)
            {
                result.Problem($"the store's lock file {lockFile} cannot be opened for writing ({lockError}): every update fails before it starts", $"remove {lockFile} or give the licensing client's account write access to it");
            }
        }
        else
        {
            FileFacts image = files.Inspect(path);
            if (files.CheckAccess(path, write: true) is { } writeError)
            {
                result.Problem($"{path} cannot be written by this account ({writeError}): no CAL the server issues or renews can be kept", ReadOnlyFix);
            }
            else if (image.Mode is { } mode && (mode & AnyWrite) == 0)
            {
                result.Problem($"{path} is read-only by its mode ({Octal(mode)}): only root can write it{(root ? ", which this account is" : string.Empty)}; a licensing client that runs as another account keeps no CAL", ReadOnlyFix);
            }
        }

        return (result.ToCheck(), readable);
    }

    /// <summary>
    /// The registry store (Windows): the MSLicensing ACL (SYSTEM and Administrators need Full Control; Windows logs 1004
    /// when the client cannot read or write the key) and UWF's PersistTSCAL (off: every CAL is lost at reboot, the pool
    /// drains into temporary CALs, and 1011 follows).
    /// </summary>
    public static DoctorCheck EvaluateRegistry(IReadOnlyList<StoreFinding> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var result = new Findings();
        foreach (StoreFinding finding in environment)
        {
            bool writeFilter = finding.Record.Contains("Write Filter", StringComparison.OrdinalIgnoreCase);
            if (finding.Kind != StoreFindingKind.Attention)
            {
                result.Facts.Add($"{finding.Record}: {finding.Detail}");
            }
            else if (writeFilter && finding.Detail.Contains("PersistTSCAL is off", StringComparison.Ordinal))
            {
                result.Problem($"{finding.Record}: {finding.Detail}", "uwfmgr registry set-persistent-tscal on, then reboot", ServerEvents.TemporaryLicenseExpired);
            }
            else if (writeFilter)
            {
                result.Warning($"{finding.Record}: {finding.Detail}", "uwfmgr registry get-persistent-tscal shows the setting; it must be on");
            }
            else
            {
                result.Problem($"{finding.Record}: {finding.Detail}", @"give SYSTEM and Administrators Full Control of HKLM\SOFTWARE\Microsoft\MSLicensing (regedit, Permissions)", ServerEvents.CannotIssueLicense);
            }
        }

        return result.ToCheck();
    }

    private static void CheckWritableDirectory(string directory, IStoreFileInspector files, bool root, Findings result)
    {
        FileFacts facts = files.Inspect(directory);
        if (files.ProbeDirectoryWrite(directory) is { } error)
        {
            result.Problem($"{directory} cannot be written by this account ({error}): the store is replaced by a new file on every update, so no CAL the server issues or renews can be kept", ReadOnlyFix);
        }
        else if (facts.Mode is { } mode && (mode & AnyWrite) == 0)
        {
            result.Problem($"{directory} is read-only by its mode ({Octal(mode)}): only root can write there{(root ? ", which this account is" : string.Empty)}; a licensing client that runs as another account keeps no CAL", ReadOnlyFix);
        }
        else if (facts.Mode is { } open && (open & UnixFileMode.OtherWrite) != 0 && (open & UnixFileMode.StickyBit) == 0)
        {
            result.Warning($"{directory} is writable by every account ({Octal(open)}, no sticky bit): anyone on the device can replace the store", $"chmod o-w {directory}");
        }
    }

    private static string Describe(FileFacts facts, uint? account)
    {
        string mode = facts.Mode is { } m ? $"mode {Octal(m)}" : "mode unknown";
        string owner = facts.OwnerUid is { } uid ? $"owner uid {uid}" : "owner unknown";
        return account is { } self ? $"{mode}, {owner} (this account: uid {self})" : $"{mode}, {owner}";
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');

    /// <summary>Problems, warnings and plain facts, folded into one check: the worst verdict wins.</summary>
    private sealed class Findings
    {
        private readonly List<string> _problems = [];
        private readonly List<string> _warnings = [];
        private readonly List<string> _fixes = [];
        private readonly List<int> _events = [];

        public List<string> Facts { get; } = [];

        /// <summary>A problem; <paramref name="serverEvent"/> is what it causes on the server, null when it causes none of its own.</summary>
        public void Problem(string evidence, string fix, int? serverEvent = ServerEvents.TemporaryLicenseExpired)
        {
            _problems.Add(evidence);
            Add(fix);
            if (serverEvent is { } id && !_events.Contains(id))
            {
                _events.Add(id);
                _events.Sort();
            }
        }

        public void Warning(string evidence, string fix)
        {
            _warnings.Add(evidence);
            Add(fix);
        }

        public DoctorCheck ToCheck()
        {
            DoctorVerdict verdict = _problems.Count > 0 ? DoctorVerdict.Problem : _warnings.Count > 0 ? DoctorVerdict.Warning : DoctorVerdict.Ok;
            string evidence = string.Join("; ", _problems.Concat(_warnings).Concat(Facts));
            return new DoctorCheck(DoctorCheckIds.StoreAccess, verdict, evidence, string.Join("; ", _fixes), _problems.Count > 0 ? [.. _events] : [], false);
        }

        private void Add(string fix)
        {
            if (!_fixes.Contains(fix))
            {
                _fixes.Add(fix);
            }
        }
    }
}
