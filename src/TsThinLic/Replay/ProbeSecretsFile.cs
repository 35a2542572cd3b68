using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using TsThinLic.Pdu;

namespace TsThinLic.Replay;

/// <summary>
/// The secrets <c>tsthinlic probe --record-secrets</c> writes beside a capture of our own client (format
/// "tsthinlic-probe-secrets/1"): HWID, user and machine names, the licensing client random and premaster secret.
/// A capture <c>NAME.pcapng</c> with a sibling <c>NAME.secrets.json</c> replays byte for byte.
/// </summary>
public static class ProbeSecretsFile
{
    /// <summary>The format tag the probe writes.</summary>
    public const string Format = "tsthinlic-probe-secrets/1";

    /// <summary>A secrets file is small; anything larger is not one.</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The sibling secrets file of a capture, if there is one.</summary>
    public static string SiblingOf(string capturePath)
    {
        ArgumentNullException.ThrowIfNull(capturePath);
        string directory = Path.GetDirectoryName(capturePath) ?? string.Empty;
        return Path.Combine(directory, Path.GetFileNameWithoutExtension(capturePath) + ".secrets.json");
    }

    /// <summary>Reads the sibling secrets of <paramref name="capturePath"/>; false when there are none or they do not parse.</summary>
    public static bool TryReadSibling(string capturePath, [NotNullWhen(true)] out ReplaySecrets? secrets, out string? problem)
    {
        secrets = null;
        problem = null;
        string path = SiblingOf(capturePath);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return false;
            }

            if (info.Length > MaxLength)
            {
                problem = $"{path}: {info.Length} bytes, not a secrets file";
                return false;
            }

            return TryParse(File.ReadAllBytes(path), out secrets, out problem);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: {exception.Message}";
            return false;
        }
    }

    /// <summary>Parses a secrets file's bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out ReplaySecrets? secrets, out string? problem)
    {
        secrets = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.GetString() != Format)
            {
                problem = $"not {Format}";
                return false;
            }

            byte[] hwid = Hex(root, "hwid");
            byte[] clientRandom = Hex(root, "licensingClientRandom");
            byte[] preMaster = Hex(root, "preMasterSecret");
            if (!ClientHardwareId.TryDecode(hwid, out ClientHardwareId hardwareId, out _) || hwid.Length != ClientHardwareId.Length)
            {
                problem = "hwid is not 20 bytes";
                return false;
            }

            secrets = new ReplaySecrets
            {
                HardwareId = hardwareId,
                PlatformId = hardwareId.PlatformId,
                UserName = root.TryGetProperty("user", out JsonElement user) ? user.GetString() : null,
                MachineName = root.TryGetProperty("machine", out JsonElement machine) ? machine.GetString() : null,
                ClientRandoms = clientRandom.Length == 32 ? [clientRandom] : [],
                PreMasterSecrets = preMaster.Length == 48 ? [preMaster] : [],
            };
            problem = null;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            problem = exception.Message;
            return false;
        }
    }

    private static byte[] Hex(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) && value.GetString() is { Length: > 0 } text ? Convert.FromHexString(text) : [];
}
