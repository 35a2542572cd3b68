using TsThinLic.Rdp.Security;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// What a replay may decrypt captures with: a TLS key log (NSS format, from files, <c>SSLKEYLOGFILE</c> or a
/// capture's Decryption Secrets Block), the servers' Standard RDP Security private keys (<c>--server-key</c>:
/// xrdp's rsakeys.ini, PEM or DER) and the licensing certificates' private keys (<c>--license-key</c>). A key
/// reveals only what its connection's own bytes allow; the wrong key decrypts nothing and says so.
/// </summary>
public sealed class DecryptionKeys
{
    private DecryptionKeys(TlsKeyLog keyLog, IReadOnlyList<NamedRsaKey> serverKeys, IReadOnlyList<NamedRsaKey> licenseKeys)
    {
        KeyLog = keyLog;
        ServerKeys = serverKeys;
        LicenseKeys = licenseKeys;
    }

    /// <summary>No key at all: captures replay as they are.</summary>
    public static DecryptionKeys None { get; } = new(TlsKeyLog.Empty, [], []);

    /// <summary>The TLS secrets.</summary>
    public TlsKeyLog KeyLog { get; }

    /// <summary>How many server keys were given.</summary>
    public int ServerKeyCount => ServerKeys.Count;

    /// <summary>How many licensing keys were given.</summary>
    public int LicenseKeyCount => LicenseKeys.Count;

    /// <summary>Whether nothing is known.</summary>
    public bool IsEmpty => KeyLog.Count == 0 && ServerKeys.Count == 0 && LicenseKeys.Count == 0;

    internal IReadOnlyList<NamedRsaKey> ServerKeys { get; }

    internal IReadOnlyList<NamedRsaKey> LicenseKeys { get; }

    /// <summary>
    /// Reads the key files. False with <paramref name="error"/> when a file cannot be read or a server or licensing
    /// key does not parse (the user named it; decrypting without it would mislead). Problems inside a key log are
    /// not fatal: each damaged line is a notice (<see cref="TlsKeyLog.Problems"/>).
    /// </summary>
    public static bool TryLoad(IEnumerable<string> keyLogFiles, IEnumerable<string> serverKeyFiles, IEnumerable<string> licenseKeyFiles, out DecryptionKeys keys, out string error)
    {
        ArgumentNullException.ThrowIfNull(keyLogFiles);
        ArgumentNullException.ThrowIfNull(serverKeyFiles);
        ArgumentNullException.ThrowIfNull(licenseKeyFiles);
        keys = None;
        var logs = new List<TlsKeyLog>();
        foreach (string path in keyLogFiles)
        {
            if (!TryRead(path, TlsKeyLog.MaxTextLength, out byte[] bytes, out error))
            {
                return false;
            }

            logs.Add(TlsKeyLog.Parse(bytes, Path.GetFileName(path)));
        }

        if (!TryLoadKeys(serverKeyFiles, "--server-key", out List<NamedRsaKey> serverKeys, out error)
            || !TryLoadKeys(licenseKeyFiles, "--license-key", out List<NamedRsaKey> licenseKeys, out error))
        {
            return false;
        }

        keys = new DecryptionKeys(TlsKeyLog.Combine(logs), serverKeys, licenseKeys);
        error = string.Empty;
        return true;
    }

    /// <summary>These keys with a capture's own secrets (its Decryption Secrets Blocks) added.</summary>
    public DecryptionKeys With(TlsKeyLog more)
    {
        ArgumentNullException.ThrowIfNull(more);
        return more.Count == 0 && more.Problems.Count == 0 ? this : new DecryptionKeys(TlsKeyLog.Combine([KeyLog, more]), ServerKeys, LicenseKeys);
    }

    /// <summary>Keys built in memory (tests, tools).</summary>
    internal static DecryptionKeys Create(TlsKeyLog? keyLog = null, IReadOnlyList<NamedRsaKey>? serverKeys = null, IReadOnlyList<NamedRsaKey>? licenseKeys = null)
        => new(keyLog ?? TlsKeyLog.Empty, serverKeys ?? [], licenseKeys ?? []);

    private static bool TryLoadKeys(IEnumerable<string> paths, string option, out List<NamedRsaKey> keys, out string error)
    {
        keys = [];
        foreach (string path in paths)
        {
            if (!TryRead(path, RsaPrivateKeyFile.MaxLength, out byte[] bytes, out error))
            {
                return false;
            }

            if (!RsaPrivateKeyFile.TryParse(bytes, out RsaPrivateKey? key, out string problem))
            {
                error = $"{option} {path}: {problem}";
                return false;
            }

            keys.Add(new NamedRsaKey(Path.GetFileName(path), key));
        }

        error = string.Empty;
        return true;
    }

    private static bool TryRead(string path, int maxLength, out byte[] bytes, out string error)
    {
        bytes = [];
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"no file '{path}'";
                return false;
            }

            if (info.Length > maxLength)
            {
                error = $"'{path}' is {info.Length} bytes, more than the {maxLength} read";
                return false;
            }

            bytes = File.ReadAllBytes(path);
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read '{path}': {exception.Message}";
            return false;
        }
    }
}
