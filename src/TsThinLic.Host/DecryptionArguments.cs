using System.CommandLine;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Host;

/// <summary>
/// The options that decrypt captures (<c>--keylog</c>, <c>--server-key</c>, <c>--license-key</c>, each repeatable,
/// and the <c>SSLKEYLOGFILE</c> environment variable), shared by <c>replay</c> and <c>capture-to-transcript</c>.
/// </summary>
internal sealed class DecryptionArguments
{
    private readonly Option<string[]> _keyLog = new("--keylog")
    {
        Description = $"A TLS key log (NSS format: CLIENT_RANDOM lines for TLS 1.2, *_TRAFFIC_SECRET lines for TLS 1.3) to decrypt TLS captures with; {KeyLogFile.EnvironmentVariable} is read too, and a pcapng's own Decryption Secrets Blocks always.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _serverKey = new("--server-key")
    {
        Description = "A server's Standard RDP Security private key (xrdp's rsakeys.ini, or a PEM / PKCS#1 / PKCS#8 RSA key) to decrypt RDP-security captures with.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _licenseKey = new("--license-key")
    {
        Description = "A licensing certificate's private key (same formats) to decrypt the licensing premaster secret, and with it the platform challenge, the HWID and the CAL.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public DecryptionArguments(Command command)
    {
        command.Options.Add(_keyLog);
        command.Options.Add(_serverKey);
        command.Options.Add(_licenseKey);
    }

    /// <summary>Reads the key files; false with the reason when one cannot be read or a key does not parse.</summary>
    public bool TryLoad(ParseResult parseResult, out DecryptionKeys keys, out string error)
    {
        var keyLogs = new List<string>(parseResult.GetValue(_keyLog) ?? []);
        if (Environment.GetEnvironmentVariable(KeyLogFile.EnvironmentVariable) is { Length: > 0 } fromEnvironment && !keyLogs.Contains(fromEnvironment) && File.Exists(fromEnvironment))
        {
            keyLogs.Add(fromEnvironment);
        }

        return DecryptionKeys.TryLoad(keyLogs, parseResult.GetValue(_serverKey) ?? [], parseResult.GetValue(_licenseKey) ?? [], out keys, out error);
    }
}
