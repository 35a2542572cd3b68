using System.Runtime.Versioning;
using TsThinLic.Storage;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Host;

/// <summary>
/// Where this device's fingerprint comes from (stored beside the HWID so that a cloned image notices it is a clone):
/// identities that differ between two units running the same image. Only the ones that can be read count; when none
/// can, the fingerprint is of nothing and clone detection is off in effect (every unit agrees).
/// </summary>
internal static class DeviceIdentity
{
    /// <summary>Linux sources, most specific first: SMBIOS system UUID and serial (x86), device-tree serial (Arm boards), systemd machine-id.</summary>
    private static readonly string[] s_linuxSources =
    [
        "/sys/class/dmi/id/product_uuid",
        "/sys/class/dmi/id/product_serial",
        "/sys/firmware/devicetree/base/serial-number",
        "/etc/machine-id",
    ];

    public static DeviceFingerprint Fingerprint()
    {
        var sources = new List<KeyValuePair<string, string>>();
        if (OperatingSystem.IsWindows())
        {
            AddWindows(sources);
        }
        else
        {
            foreach (string path in s_linuxSources)
            {
                try
                {
                    string value = File.ReadAllText(path).Trim('\0', ' ', '\n', '\r', '\t');
                    if (value.Length > 0 && value.Length <= 256)
                    {
                        sources.Add(new(path, value));
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Not on this platform, or readable by root only (product_uuid): the other sources still count.
                }
            }
        }

        return DeviceFingerprint.Compute(sources);
    }

    [SupportedOSPlatform("windows")]
    private static void AddWindows(List<KeyValuePair<string, string>> sources)
    {
        // MachineGuid is made at Windows setup (sysprep regenerates it for each deployed image).
        try
        {
            if (new WindowsRegistry().GetValue(@"SOFTWARE\Microsoft\Cryptography", "MachineGuid") is { Type: RegistryValueType.String } guid)
            {
                sources.Add(new("MachineGuid", System.Text.Encoding.Unicode.GetString(guid.Data.Span).TrimEnd('\0')));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
        }
    }
}
