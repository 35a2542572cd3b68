using System.Net;
using TsThinLic.Cal;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// The CAL store of another RDP client on this machine: FreeRDP 2.11 keeps one <c>.cal</c> per client host name in
/// <c>~/.config/freerdp/licenses/&lt;hex SHA-1(host name)&gt;.cal</c>, rdesktop 1.9 in
/// <c>~/.local/share/rdesktop/licenses/&lt;hex SHA-1(host name + salt)&gt;.cal</c>; each file holds the raw CAL
/// (pbLicenseInfo). Neither keeps a HWID: both derive it from the host name (<see cref="HardwareIdRecipes"/>). This
/// reads every file (bounded), names the host each belongs to when it can (the CAL's own CN, then this machine's
/// names), and writes a CAL the way the client would find it, durably (temporary file, fsync, rename).
/// </summary>
internal sealed class ClientCalDirectory
{
    /// <summary>The largest .cal file read (real CALs are 1–3 KiB).</summary>
    public const int MaxCalLength = StoredLicense.MaxLicenseInfoLength;

    /// <summary>The most .cal files read.</summary>
    public const int MaxFiles = 1024;

    public ClientCalDirectory(string kind, string directory)
    {
        if (kind is not ("freerdp" or "rdesktop"))
        {
            throw new ArgumentException("The client store kind is freerdp or rdesktop.", nameof(kind));
        }

        Kind = kind;
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>freerdp or rdesktop.</summary>
    public string Kind { get; }

    /// <summary>The client's directory (~/.config/freerdp, ~/.local/share/rdesktop): the CALs are in its licenses folder.</summary>
    public string Directory { get; }

    /// <summary>Where the .cal files are.</summary>
    public string LicensesDirectory => Path.Combine(Directory, "licenses");

    /// <summary>The client's default directory under <paramref name="home"/>.</summary>
    public static string DefaultDirectory(string kind, string home)
        => kind == "freerdp" ? Path.Combine(home, ".config", "freerdp") : Path.Combine(home, ".local", "share", "rdesktop");

    /// <summary>The HWID the client sends from <paramref name="hostName"/>.</summary>
    public ClientHardwareId Recipe(string hostName) => Kind == "freerdp" ? HardwareIdRecipes.FreeRdp(hostName) : HardwareIdRecipes.Rdesktop(hostName);

    /// <summary>The file the client keeps the CAL of <paramref name="hostName"/> in.</summary>
    public string FileName(string hostName) => Kind == "freerdp" ? HardwareIdRecipes.FreeRdpCalFileName(hostName) : HardwareIdRecipes.RdesktopCalFileName(hostName);

    /// <summary>This machine's host names, as the client would take them when not told one (/client-hostname, -n).</summary>
    public IReadOnlyList<string> LocalHostNames()
    {
        string full = Dns.GetHostName();
        return Kind == "freerdp" ? [full] : [HardwareIdRecipes.RdesktopDefaultName(full), full];
    }

    /// <summary>Every .cal file (sorted by name), and the leftover .cal.new files of an interrupted write.</summary>
    public (IReadOnlyList<ClientCalFile> Files, IReadOnlyList<string> Leftovers) Read()
    {
        var files = new List<ClientCalFile>();
        var leftovers = new List<string>();
        if (!System.IO.Directory.Exists(LicensesDirectory))
        {
            return (files, leftovers);
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(LicensesDirectory).Order(StringComparer.Ordinal).Take(MaxFiles * 2))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".cal.new", StringComparison.Ordinal))
            {
                leftovers.Add(name);
            }
            else if (name.EndsWith(".cal", StringComparison.Ordinal) && files.Count < MaxFiles)
            {
                files.Add(ReadFile(path));
            }
        }

        return (files, leftovers);
    }

    /// <summary>
    /// Writes <paramref name="licenseInfo"/> as the CAL of <paramref name="hostName"/>, dated <paramref name="storedAt"/>
    /// (the file's modification time): temporary file, fsync, rename, directory fsync; created 0600.
    /// </summary>
    public string Write(string hostName, ReadOnlySpan<byte> licenseInfo, DateTimeOffset storedAt)
    {
        string path = Path.Combine(LicensesDirectory, FileName(hostName));
        DurableFile.Write(path, licenseInfo);
        File.SetLastWriteTimeUtc(path, storedAt.UtcDateTime);
        return path;
    }

    private ClientCalFile ReadFile(string path)
    {
        string name = Path.GetFileName(path);
        var info = new FileInfo(path);
        if (info.Length > MaxCalLength)
        {
            return new ClientCalFile(name, path, [], null, $"{info.Length} bytes: not a CAL (the largest is {MaxCalLength})", null, info.LastWriteTimeUtc);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (!ClientAccessLicense.TryDecode(bytes, out ClientAccessLicense? cal, out DecodeError error))
        {
            return new ClientCalFile(name, path, bytes, null, error.ToString(), HostFromLocalNames(name), info.LastWriteTimeUtc);
        }

        // The CAL names the machine it was issued to: the client's own host name, which names its file.
        string? host = cal.IssuedToMachine is { } machine && FileName(machine) == name ? machine : HostFromLocalNames(name);
        return new ClientCalFile(name, path, bytes, cal, null, host, info.LastWriteTimeUtc);
    }

    private string? HostFromLocalNames(string fileName)
    {
        foreach (string candidate in LocalHostNames())
        {
            if (FileName(candidate) == fileName)
            {
                return candidate;
            }
        }

        return null;
    }
}
