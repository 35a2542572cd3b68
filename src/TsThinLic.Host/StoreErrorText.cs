using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// A store that cannot be used, said for the person at the terminal: what failed (the store and the step), why (the
/// system's or the store's own words, already in the exception), and what to do about it.
/// </summary>
internal static class StoreErrorText
{
    // Linux errno values (asm-generic/errno-base.h, errno.h) and the Win32 errors the store layer reports.
    private const int Eperm = 1;
    private const int Eacces = 13;
    private const int Enotdir = 20;
    private const int Eisdir = 21;
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int Eloop = 40;
    private const int Edquot = 122;
    private const int ErrorAccessDenied = 5;
    private const int ErrorDiskFull = 112;

    /// <summary>"the store LOCATION WHAT: WHY; WHAT TO DO".</summary>
    /// <param name="store">The store that failed.</param>
    /// <param name="what">What could not be done with it ("cannot be read", "cannot be used", "could not be wiped").</param>
    /// <param name="exception">The failure, whose message says why.</param>
    public static string Describe(StoreSelection store, string what, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exception);
        return $"the store {store.Location} {what}: {exception.Message}; {WhatToDo(store.Kind, store.Location, exception)}";
    }

    /// <summary>"cannot open the store KIND:PATH: WHY; WHAT TO DO", for a store that could not even be opened.</summary>
    public static string CannotOpen(string kind, string location, string why, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return $"cannot open the store {kind}:{location}: {why}; {WhatToDo(kind, location, exception)}";
    }

    private static string WhatToDo(string kind, string location, Exception exception)
    {
        string doctor = $"tsthinlic doctor --store {kind}:{location}";
        int? errno = null;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FileFaultException { ErrorNumber: { } number })
            {
                errno = number;
                break;
            }
        }

        bool windows = OperatingSystem.IsWindows();
        return errno switch
        {
            Eacces or Eperm when !windows => $"run it as the account the licensing client runs as, or give that account read and write access to the store and its directory ({doctor} names the file and its owner)",
            ErrorAccessDenied when windows => $"run it as the account the licensing client runs as (the registry key's ACL may deny this one; {doctor} shows it)",
            Enospc or Edquot when !windows => "free space on that file system (or raise the quota) and run it again; the store was left as it was",
            ErrorDiskFull when windows => "free space on that disk and run it again; the store was left as it was",
            Erofs when !windows => "the file system is read-only (a write filter or a read-only mount): remount it read-write, or give --store a path on a writable one",
            Eisdir or Enotdir or Eloop when !windows => "give --store the path of a store file (not a directory, a link loop or a path through a file)",
            _ => $"{doctor} says what is wrong and the command that fixes it",
        };
    }
}
