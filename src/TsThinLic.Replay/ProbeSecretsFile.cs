using System.Diagnostics.CodeAnalysis;
using TsThinLic.Rdp.Connection;
using TsThinLic.Storage.Files;

namespace TsThinLic.Replay;

/// <summary>
/// Finds the secrets <c>tsthinlic probe --record-secrets</c> writes beside a capture of our own client (the format is
/// <see cref="ProbeSecrets"/>'s) and turns them into <see cref="ReplaySecrets"/>: a capture <c>NAME.pcapng</c> with a
/// sibling <c>NAME.secrets.json</c> replays byte for byte.
/// </summary>
public static class ProbeSecretsFile
{
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
        byte[]? bytes;
        try
        {
            bytes = RegularFile.ReadIfExists(path, ProbeSecrets.MaxLength);
        }
        catch (FileFaultException fault)
        {
            problem = fault.Message;
            return false;
        }

        if (bytes is null)
        {
            return false;
        }

        if (!ProbeSecrets.TryParse(bytes, out RecordedProbeSecrets? recorded, out problem))
        {
            return false;
        }

        secrets = new ReplaySecrets
        {
            HardwareId = recorded.HardwareId,
            PlatformId = recorded.HardwareId?.PlatformId,
            UserName = recorded.UserName,
            MachineName = recorded.MachineName,
            ClientRandoms = recorded.LicensingClientRandom.Length == 32 ? [recorded.LicensingClientRandom] : [],
            PreMasterSecrets = recorded.PreMasterSecret.Length == 48 ? [recorded.PreMasterSecret] : [],
        };
        return true;
    }
}
