using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// The keyed captures of fixtures/captures/keyed (made by make-captures.sh from real peers): their paths, and the
/// keys that open them (each capture's key log, xrdp's Standard RDP Security key in its three formats).
/// </summary>
internal static class KeyedCaptures
{
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "keyed");

    public static string Path(string name) => System.IO.Path.Combine(Folder, name);

    /// <summary>Every TLS capture with licensing: (capture, its key log).</summary>
    public static readonly string[] TlsCaptures = ["freerdp-xrdp-tls13", "probe-xrdp-tls12"];

    /// <summary>Every Standard RDP Security capture made against xrdp with encryption.</summary>
    public static readonly string[] RdpCaptures =
    [
        "freerdp-xrdp-rdp-low", "freerdp-xrdp-rdp-high", "freerdp-xrdp-rdp-fips",
        "probe-xrdp-rdp-low", "probe-xrdp-rdp-high", "probe-xrdp-rdp-fips",
    ];

    /// <summary>xrdp's key as rsakeys.ini, PKCS#1 PEM and PKCS#8 PEM: the same key.</summary>
    public static readonly string[] XrdpKeyFiles = ["xrdp-rsakeys.ini", "xrdp-rsakeys.pem", "xrdp-rsakeys.pkcs8.pem"];

    public static DecryptionKeys Keys(string[]? keyLogs = null, string[]? serverKeys = null, string[]? licenseKeys = null)
    {
        Assert.True(
            DecryptionKeys.TryLoad((keyLogs ?? []).Select(Path), (serverKeys ?? []).Select(Path), (licenseKeys ?? []).Select(Path), out DecryptionKeys keys, out string error),
            error);
        return keys;
    }

    /// <summary>Every key log and xrdp's key: what opens every keyed capture.</summary>
    public static DecryptionKeys All() => Keys(
        ["freerdp-xrdp-tls13.keylog", "probe-xrdp-tls12.keylog", "openssl-tls-suites.keylog"],
        ["xrdp-rsakeys.ini"]);

    public static ReplayInput Load(string file, DecryptionKeys keys) => ReplayInputLoader.Load(Path(file), keys);
}
