using System.CommandLine;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Host;

/// <summary>
/// The TLS key log of the commands that open a TLS connection (<c>probe</c>, <c>license --server</c>):
/// <c>--keylog FILE</c>, else the <c>SSLKEYLOGFILE</c> environment variable that browsers, curl and OpenSSL-based
/// clients honour. Lines are appended (several runs may share a file, as with NSS); a new file is created
/// owner-only (0600): it holds key material.
/// </summary>
internal sealed class KeyLogFile : IDisposable
{
    /// <summary>The environment variable read when <c>--keylog</c> is not given.</summary>
    public const string EnvironmentVariable = "SSLKEYLOGFILE";

    private readonly FileStream _stream;

    private KeyLogFile(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
        Writer = new NssKeyLogWriter(stream);
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>What the TLS session writes through.</summary>
    public NssKeyLogWriter Writer { get; }

    /// <summary>The <c>--keylog</c> option.</summary>
    public static Option<string?> CreateOption() => new("--keylog")
    {
        Description = $"Append the TLS secrets to this file in the NSS key log format (CLIENT_RANDOM lines) that Wireshark and 'tsthinlic replay --keylog' read; {EnvironmentVariable} does the same. Key material: for test servers and field captures only.",
    };

    /// <summary>
    /// Opens the key log named by the option, else by <c>SSLKEYLOGFILE</c>; <paramref name="file"/> is null when
    /// neither names one. False (with a message) when the file cannot be opened.
    /// </summary>
    public static bool TryOpen(string? optionPath, out KeyLogFile? file, out string error)
    {
        file = null;
        error = string.Empty;
        string? path = optionPath ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(path))
        {
            return true;
        }

        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            file = new KeyLogFile(path, new FileStream(path, options));
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"cannot open the TLS key log '{path}'{(optionPath is null ? $" ({EnvironmentVariable})" : string.Empty)}: {exception.Message}";
            return false;
        }
    }

    /// <summary>Tells the user on <paramref name="error"/> when a secret could not be written.</summary>
    public void ReportProblem(TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Writer.Problem is { } problem)
        {
            error.WriteLine($"warning: the TLS key log '{Path}' is incomplete: {problem}");
        }
    }

    public void Dispose() => _stream.Dispose();
}
